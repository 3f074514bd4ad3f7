#include "dashboard/experiment_feed.h"

#include <cmath>
#include <filesystem>

#include "exec/lambda_cost.h"
#include "tune/experiment_dir.h"
#include "tune/experiment_report.h"

namespace rungs::dashboard {
namespace {

// JSON has no NaN: an inactive parameter or a failed metric is null.
nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

ExperimentFeed::ExperimentFeed(std::string path, int index) : index_(index) {
  std::filesystem::path p(path);
  bare_journal_ = std::filesystem::is_regular_file(p);
  if (bare_journal_) {
    journal_path_ = p.string();
    dir_ = p.has_parent_path() ? p.parent_path().string() : ".";
  } else {
    dir_ = p.string();
    journal_path_ = tune::JournalPath(dir_);
  }
}

Status ExperimentFeed::Poll(std::vector<std::string>& rows) {
  if (!reader_) {
    if (!std::filesystem::exists(journal_path_)) return Status::Ok();  // a run is starting
    tune::TuneSpec spec;
    if (bare_journal_) {
      spec.out = dir_;
      spec.metric = "metric";
      spec.command = "(simulation)";  // no built-in classifier: no preprocessing to show
    } else {
      Result<tune::TuneSpec> saved = tune::ReadSavedSpec(dir_);
      if (!saved.ok()) return saved.error();
      spec = std::move(*saved);
    }
    Result<store::JournalReader> reader = store::JournalReader::Open(journal_path_);
    if (!reader.ok()) return reader.error();
    Result<space::Space> space =
        space::Space::FromToml(reader->experiment().space_toml, journal_path_);
    if (!space.ok()) return space.error();
    spec_ = std::move(spec);
    space_ = std::move(*space);
    reader_ = std::move(*reader);
  }
  Result<bool> changed = reader_->Changed();
  if (!changed.ok()) return changed.error();
  if (!*changed) return Status::Ok();
  return reader_->ReadAfter(last_seq_, [&](const store::JournalEntry& e) -> Status {
    last_seq_ = e.seq;
    RUNGS_RETURN_IF_ERROR(view_.Add(e, journal_path_));
    switch (e.kind) {
      case store::JournalEntry::Kind::kJob: rows.push_back(JobRow(e)); break;
      case store::JournalEntry::Kind::kResult: rows.push_back(ResultRow(e)); break;
      case store::JournalEntry::Kind::kEvent: rows.push_back(EventRow(e)); break;
      case store::JournalEntry::Kind::kRefusal: break;  // nothing to show
    }
    return Status::Ok();
  });
}

std::string ExperimentFeed::JobRow(const store::JournalEntry& e) const {
  const job::Job& job = e.job;
  nlohmann::json row = {{"x", index_},      {"s", e.seq},         {"k", "job"},
                        {"t", e.now},       {"job", job.id},      {"trial", job.trial},
                        {"rung", job.rung}, {"ep", job.epochs_to}};
  if (job.rung == 0 && job.epochs_from == 0) {  // a new trial: its configuration, once
    nlohmann::json config = nlohmann::json::object();
    for (size_t p = 0; p < space_->size() && p < job.config.size(); ++p) {
      const space::Param& param = space_->param(p);
      if (param.kind == space::Kind::kFixed) continue;
      if (param.kind == space::Kind::kCategorical) {
        space::Config probe(space_->size(), std::nan(""));
        probe[p] = job.config[p];
        nlohmann::json named = space_->ToJson(probe);
        config[param.name] = named.contains(param.name) ? named[param.name] : nlohmann::json();
      } else {
        config[param.name] = Number(job.config[p]);
      }
    }
    row["c"] = std::move(config);
  }
  return row.dump();
}

std::string ExperimentFeed::ResultRow(const store::JournalEntry& e) const {
  const job::JobResult& r = e.result;
  bool ok = r.outcome == job::Outcome::kOk && std::isfinite(r.metric);
  nlohmann::json row = {{"x", index_},           {"s", e.seq},       {"k", "result"},
                        {"t", e.now},            {"job", r.job},     {"trial", r.trial},
                        {"rung", r.rung},        {"ok", ok},         {"m", ok ? Number(r.metric) : nullptr},
                        {"trained", r.epochs_trained}, {"sec", r.seconds},
                        {"gb", exec::GbSeconds(r.cost)}};
  if (!ok && !r.error.empty()) row["error"] = r.error;
  return row.dump();
}

std::string ExperimentFeed::EventRow(const store::JournalEntry& e) const {
  return nlohmann::json({{"x", index_},
                         {"s", e.seq},
                         {"k", "event"},
                         {"t", e.now},
                         {"event", store::EventName(e.event)},
                         {"detail", e.detail}})
      .dump();
}

nlohmann::json ExperimentFeed::Describe() const {
  nlohmann::json d = {{"x", index_},
                      {"name", std::filesystem::path(bare_journal_ ? journal_path_ : dir_)
                                   .filename()
                                   .string()},
                      {"path", bare_journal_ ? journal_path_ : dir_},
                      {"ready", reader_.has_value()}};
  if (!reader_) return d;
  const store::ExperimentRecord& e = reader_->experiment();
  nlohmann::json options = nlohmann::json::parse(e.options_json, nullptr, false);
  d["id"] = e.id;
  d["created"] = e.created;
  d["scheduler"] = e.scheduler;
  d["options"] = options.is_discarded() ? nlohmann::json(e.options_json) : options;
  d["seed"] = std::to_string(e.seed);
  d["metric"] = spec_->metric;
  d["maximize"] = tune::Maximize(*spec_);
  d["budget"] = {{"epochs", spec_->budget_epochs},
                 {"seconds", spec_->budget_seconds},
                 {"trials", spec_->max_trials},
                 {"dollars", spec_->budget_dollars}};
  d["price_per_gb_second"] = spec_->price_per_gb_second;
  nlohmann::json params = nlohmann::json::array();
  for (size_t p = 0; p < space_->size(); ++p) {
    const space::Param& param = space_->param(p);
    if (param.kind == space::Kind::kFixed) continue;
    params.push_back({{"name", param.name},
                      {"categorical", param.kind == space::Kind::kCategorical},
                      {"log", param.scale == space::Scale::kLog}});
  }
  d["params"] = std::move(params);
  nlohmann::json files = nlohmann::json::array();
  for (const char* name : kServedFiles) {
    if (!bare_journal_ && std::filesystem::is_regular_file(std::filesystem::path(dir_) / name)) files.push_back(name);
  }
  d["files"] = std::move(files);
  return d;
}

Result<report::ReportData> ExperimentFeed::Report() const {
  if (!reader_) {
    report::ReportData empty;
    empty.title = dir_ + " (no journal yet)";
    return empty;
  }
  return tune::ReportDataOf(*spec_, *space_, view_);
}

}  // namespace rungs::dashboard
