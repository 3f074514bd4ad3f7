#include "tune/tune_outputs.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "job/job_json.h"
#include "report/html_report.h"

namespace rungs::tune {
namespace {

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string Number(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string JsonScalarText(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string TrialsCsv(const JournalView& view, const space::Space& space) {
  std::string csv =
      "job,trial,bracket,rung,epochs_from,epochs_to,lr_scale,started_at,finished_at,outcome,metric,"
      "epochs_trained,seconds,billed_ms,memory_mb,error";
  for (size_t p = 0; p < space.size(); ++p) csv += "," + CsvField(space.name(p));
  csv += "\n";
  for (const JobRow& row : view.jobs) {
    const job::Job& j = row.job;
    csv += std::to_string(j.id) + "," + std::to_string(j.trial) + "," + std::to_string(j.bracket) +
           "," + std::to_string(j.rung) + "," + std::to_string(j.epochs_from) + "," +
           std::to_string(j.epochs_to) + "," + Number(j.lr_scale) + "," + Number(row.started_at);
    if (row.result) {
      const job::JobResult& r = *row.result;
      csv += "," + Number(row.finished_at) + "," + std::string(job::OutcomeName(r.outcome)) + "," +
             (r.outcome == job::Outcome::kOk ? Number(r.metric) : "") + "," +
             std::to_string(r.epochs_trained) + "," + Number(r.seconds) + "," +
             std::to_string(r.cost.billed_ms) + "," + std::to_string(r.cost.memory_mb) + "," +
             CsvField(r.error);
    } else {
      csv += ",,running,,,,,,";
    }
    nlohmann::json values = space.ToJson(j.config);
    for (size_t p = 0; p < space.size(); ++p) {
      auto it = values.find(space.name(p));
      csv += "," + (it == values.end() ? std::string() : CsvField(JsonScalarText(*it)));
    }
    csv += "\n";
  }
  return csv;
}

std::string BestJson(const BestTrial& best, const space::Space& space, const OutputContext& ctx) {
  nlohmann::json j = {{"trial", best.trial},
                      {"epochs", best.epochs},
                      {"rung", best.rung},
                      {"metric", ctx.metric},
                      {"value", best.metric},
                      {"config", space.ToJson(best.config)}};
  if (ctx.preprocessing) {
    j["preprocessing"] = {{"name", text::PreprocessingName(*ctx.preprocessing)},
                          {"description", text::DescribePreprocessing(*ctx.preprocessing)}};
  }
  if (ctx.cost) {
    j["cost"] = {{"gb_seconds", ctx.cost->gb_seconds},
                 {"dollars", ctx.cost->dollars},
                 {"price_per_gb_second", ctx.cost->price_per_gb_second}};
  }
  return j.dump(2) + "\n";
}

std::string BestToml(const BestTrial& best, const space::Space& space, const OutputContext& ctx) {
  std::string toml = "# rungs: the best configuration found (" + ctx.metric + " " +
                     Number(best.metric) + " after " + std::to_string(best.epochs) +
                     " epochs, trial " + std::to_string(best.trial) + ")\n";
  toml += "trial = " + std::to_string(best.trial) + "\nepochs = " + std::to_string(best.epochs) +
          "\n" + ctx.metric + " = " + Number(best.metric) + "\n";
  if (ctx.preprocessing) {
    toml += "# " + text::DescribePreprocessing(*ctx.preprocessing) + "\npreprocessing = \"" +
            text::PreprocessingName(*ctx.preprocessing) + "\"\n";
  }
  toml += "\n[config]\n";
  const nlohmann::json config = space.ToJson(best.config);  // outlives the loop
  for (const auto& [name, value] : config.items()) {
    toml += nlohmann::json(name).dump() + " = " + value.dump() + "\n";  // JSON scalars are TOML values
  }
  return toml;
}

}  // namespace

report::ReportData ReportDataFor(const JournalView& view, const space::Space& space,
                                 const OutputContext& ctx) {
  report::ReportData data;
  data.title = ctx.title;
  data.metric_name = ctx.metric;
  data.maximize = ctx.maximize;
  data.summary = ctx.summary;
  if (ctx.preprocessing) {
    data.summary.push_back({"preprocessing", text::DescribePreprocessing(*ctx.preprocessing)});
  }
  for (size_t p = 0; p < space.size(); ++p) {
    const space::Param& param = space.param(p);
    report::ParamInfo info{param.name, param.scale == space::Scale::kLog, {}};
    if (param.kind == space::Kind::kFixed) continue;
    if (param.kind == space::Kind::kCategorical) {
      space::Config probe(space.size(), std::nan(""));
      for (size_t c = 0; c < param.choices.size(); ++c) {
        probe[p] = static_cast<double>(c);
        auto j = space.ToJson(probe);
        info.categories.push_back(j.contains(param.name) ? JsonScalarText(j[param.name]) : "?");
      }
    }
    data.params.push_back(std::move(info));
  }
  for (const JobRow& row : view.jobs) {
    if (row.job.rung == 0 && row.job.epochs_from == 0) {
      report::TrialConfig config{row.job.trial, {}};
      for (size_t p = 0; p < space.size(); ++p) {
        if (space.kind(p) != space::Kind::kFixed) config.values.push_back(row.job.config[p]);
      }
      data.configs.push_back(std::move(config));
    }
    if (!row.result) continue;
    data.results.push_back({row.job.trial, row.job.rung, row.job.epochs_to, row.result->metric,
                            row.result->outcome == job::Outcome::kOk, row.finished_at,
                            row.result->epochs_trained});
  }
  return data;
}

Status WriteOutputs(const JournalView& view, const space::Space& space, const OutputContext& ctx) {
  auto in_dir = [&](const char* name) { return (std::filesystem::path(ctx.dir) / name).string(); };
  RUNGS_RETURN_IF_ERROR(WriteFileAtomically(in_dir("trials.csv"), TrialsCsv(view, space)));
  if (std::optional<BestTrial> best = view.Best(ctx.maximize)) {
    RUNGS_RETURN_IF_ERROR(WriteFileAtomically(in_dir("best.json"), BestJson(*best, space, ctx)));
    RUNGS_RETURN_IF_ERROR(WriteFileAtomically(in_dir("best.toml"), BestToml(*best, space, ctx)));
  }
  return WriteFileAtomically(in_dir("report.html"),
                             report::RenderReport(ReportDataFor(view, space, ctx)));
}

}  // namespace rungs::tune
