#include "worker/config_limits.h"

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rungs::worker {
namespace {

using space::Param;

// TrainArgs::Validate's ranges (config_limits_test checks both ends of each
// against it). lr has no upper limit there; 1000 only stops absurd values.
std::vector<Param> HardLimits() {
  return {
      Param::Float("lr", 1e-9, 1000),
      Param::Int("dim", 1, 10000),
      Param::Int("ws", 1, 1000),
      Param::Int("neg", 1, 1000),
      Param::Int("lrUpdateRate", 1, 1000000000),
      Param::Int("wordNgrams", 1, 100),
      Param::Int("bucket", 0, 1000000000),
      Param::Int("minn", 0, 100),
      Param::Int("maxn", 0, 100),
      Param::Int("minCount", 1, 1000000000),
      Param::Int("minCountLabel", 0, 1000000000),
      Param::Choice("loss", {std::string("softmax"), std::string("ns"), std::string("hs"),
                             std::string("ova")}),
      Param::Choice("charNgrams", {false, true}),
      Param::Choice("normalize", {false, true}),
  };
}

}  // namespace

Result<CheckedConfig> CheckConfig(const nlohmann::json& config) {
  if (!config.is_object()) return Fail("config must be an object of parameter names to values");
  static const std::vector<Param> limits = HardLimits();
  std::vector<Param> params;
  for (const auto& item : config.items()) {
    auto limit = std::find_if(limits.begin(), limits.end(),
                              [&](const Param& p) { return p.name == item.key(); });
    if (limit == limits.end()) {
      return Fail("config parameter '" + item.key() +
                  "' is not a hyperparameter of the classifier (known: lr, dim, ws, neg, "
                  "lrUpdateRate, wordNgrams, bucket, minn, maxn, minCount, minCountLabel, "
                  "loss, charNgrams, normalize)");
    }
    params.push_back(*limit);
  }
  Result<space::Space> space = space::Space::Create(std::move(params), {}, "classifier limits");
  if (!space.ok()) return space.error();
  Result<space::Config> checked = space->FromJson(config);
  if (!checked.ok()) return checked.error();
  return CheckedConfig{std::move(*space), std::move(*checked)};
}

}  // namespace rungs::worker
