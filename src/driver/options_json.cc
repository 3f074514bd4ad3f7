#include "driver/options_json.h"

#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace rungs::driver {
namespace {

using nlohmann::json;

std::string_view ShapeName(sched::Shape shape) {
  switch (shape) {
    case sched::Shape::kConstant: return "constant";
    case sched::Shape::kLinear: return "linear";
    case sched::Shape::kCosine: return "cosine";
    case sched::Shape::kExponential: return "exponential";
  }
  return "linear";
}

json ScheduleToJson(const sched::Schedule& s) {
  return {{"start", s.start}, {"end", s.end}, {"shape", ShapeName(s.shape)}};
}

// Reads one JSON object into fields by name; the first problem wins.
class Reader {
 public:
  using Field = std::function<Status(const json&, const std::string& key)>;

  Reader(std::string_view origin) : origin_(origin) {}

  Status Read(const json& object, const std::string& path,
              const std::map<std::string, Field>& fields) {
    if (!object.is_object()) return Error{origin_ + ": '" + path + "' must be an object", path};
    for (const auto& [key, value] : object.items()) {
      std::string name = path.empty() ? key : path + "." + key;
      auto it = fields.find(key);
      if (it == fields.end()) {
        return Error{origin_ + ": unknown scheduler option '" + name + "'", name};
      }
      RUNGS_RETURN_IF_ERROR(it->second(value, name));
    }
    return Status::Ok();
  }

  Error Wrong(const std::string& key, std::string_view want, const json& got) const {
    return Error{origin_ + ": scheduler option '" + key + "' must be " + std::string(want) +
                     " (got " + got.dump() + ")",
                 key};
  }

  template <class Int>
  Field Integer(Int& out) {
    return [this, &out](const json& v, const std::string& key) -> Status {
      if (!v.is_number_integer()) return Wrong(key, "an integer", v);
      out = v.get<Int>();
      return Status::Ok();
    };
  }
  Field Number(double& out) {
    return [this, &out](const json& v, const std::string& key) -> Status {
      if (!v.is_number()) return Wrong(key, "a number", v);
      out = v.get<double>();
      return Status::Ok();
    };
  }
  Field Boolean(bool& out) {
    return [this, &out](const json& v, const std::string& key) -> Status {
      if (!v.is_boolean()) return Wrong(key, "true or false", v);
      out = v.get<bool>();
      return Status::Ok();
    };
  }
  Field Text(std::string& out) {
    return [this, &out](const json& v, const std::string& key) -> Status {
      if (!v.is_string()) return Wrong(key, "a string", v);
      out = v.get<std::string>();
      return Status::Ok();
    };
  }
  template <class Enum>
  Field Named(Enum& out, std::function<Result<Enum>(std::string_view)> parse) {
    return [this, &out, parse](const json& v, const std::string& key) -> Status {
      if (!v.is_string()) return Wrong(key, "a string", v);
      Result<Enum> parsed = parse(v.get<std::string>());
      if (!parsed.ok()) {
        return Error{origin_ + ": scheduler option '" + key + "': " + parsed.message(), key};
      }
      out = *parsed;
      return Status::Ok();
    };
  }
  Field Schedule(sched::Schedule& out) {
    return [this, &out](const json& v, const std::string& key) -> Status {
      return Read(v, key,
                  {{"start", Number(out.start)},
                   {"end", Number(out.end)},
                   {"shape", Named<sched::Shape>(out.shape, sched::ParseShape)}});
    };
  }

 private:
  std::string origin_;
};

}  // namespace

nlohmann::json OptionsToJson(const sched::Options& o) {
  const sched::EvolutionOptions& e = o.evolution;
  const sched::ModelOptions& m = o.model;
  return {
      {"metric", o.metric},
      {"direction", o.direction == sched::Direction::kMaximize ? "maximize" : "minimize"},
      {"min_epochs", o.min_epochs},
      {"max_epochs", o.max_epochs},
      {"eta", o.eta},
      {"early_stopping_rate", o.early_stopping_rate},
      {"brackets", o.brackets},
      {"lr_gamma", o.lr_gamma},
      {"promotion", sched::PromotionName(o.promotion)},
      {"budget_epochs", o.budget_epochs},
      {"max_trials", o.max_trials},
      {"max_seconds", o.max_seconds},
      {"sha_trials", o.sha_trials},
      {"evolution",
       {{"enabled", e.enabled},
        {"probability", ScheduleToJson(e.probability)},
        {"tournament", ScheduleToJson(e.tournament)},
        {"params", ScheduleToJson(e.params)},
        {"sigma", ScheduleToJson(e.sigma)},
        {"min_parents", e.min_parents},
        {"pool_size", e.pool_size},
        {"parents_from_highest_rung", e.parents_from_highest_rung},
        {"crossover", e.crossover}}},
      {"model",
       {{"enabled", m.enabled},
        {"probability", ScheduleToJson(m.probability)},
        {"min_points", m.min_points},
        {"good_fraction", m.good_fraction},
        {"window", m.window},
        {"candidates", m.candidates},
        {"pending", m.pending},
        {"bandwidth_factor", m.bandwidth_factor},
        {"min_bandwidth", m.min_bandwidth}}},
      {"pasha", {{"enabled", o.pasha.enabled}, {"epsilon", o.pasha.epsilon}}},
  };
}

Result<sched::Options> OptionsFromJson(const nlohmann::json& json, std::string_view origin) {
  sched::Options o;
  sched::EvolutionOptions& e = o.evolution;
  sched::ModelOptions& m = o.model;
  Reader r(origin);
  Status status = r.Read(
      json, "",
      {{"metric", r.Text(o.metric)},
       {"direction", r.Named<sched::Direction>(o.direction, sched::ParseDirection)},
       {"min_epochs", r.Integer(o.min_epochs)},
       {"max_epochs", r.Integer(o.max_epochs)},
       {"eta", r.Integer(o.eta)},
       {"early_stopping_rate", r.Integer(o.early_stopping_rate)},
       {"brackets", r.Integer(o.brackets)},
       {"lr_gamma", r.Number(o.lr_gamma)},
       {"promotion", r.Named<job::Promotion>(o.promotion, sched::ParsePromotion)},
       {"budget_epochs", r.Integer(o.budget_epochs)},
       {"max_trials", r.Integer(o.max_trials)},
       {"max_seconds", r.Number(o.max_seconds)},
       {"sha_trials", r.Integer(o.sha_trials)},
       {"evolution", [&](const nlohmann::json& v, const std::string& key) {
          return r.Read(v, key,
                        {{"enabled", r.Boolean(e.enabled)},
                         {"probability", r.Schedule(e.probability)},
                         {"tournament", r.Schedule(e.tournament)},
                         {"params", r.Schedule(e.params)},
                         {"sigma", r.Schedule(e.sigma)},
                         {"min_parents", r.Integer(e.min_parents)},
                         {"pool_size", r.Integer(e.pool_size)},
                         {"parents_from_highest_rung", r.Boolean(e.parents_from_highest_rung)},
                         {"crossover", r.Boolean(e.crossover)}});
        }},
       {"model", [&](const nlohmann::json& v, const std::string& key) {
          return r.Read(v, key,
                        {{"enabled", r.Boolean(m.enabled)},
                         {"probability", r.Schedule(m.probability)},
                         {"min_points", r.Integer(m.min_points)},
                         {"good_fraction", r.Number(m.good_fraction)},
                         {"window", r.Integer(m.window)},
                         {"candidates", r.Integer(m.candidates)},
                         {"pending", r.Integer(m.pending)},
                         {"bandwidth_factor", r.Number(m.bandwidth_factor)},
                         {"min_bandwidth", r.Number(m.min_bandwidth)}});
        }},
       {"pasha", [&](const nlohmann::json& v, const std::string& key) {
          return r.Read(v, key,
                        {{"enabled", r.Boolean(o.pasha.enabled)},
                         {"epsilon", r.Number(o.pasha.epsilon)}});
        }}});
  if (!status.ok()) return status.error();
  Status valid = sched::Validate(o);
  if (!valid.ok()) return Error{std::string(origin) + ": " + valid.message(), valid.error().field};
  return o;
}

}  // namespace rungs::driver
