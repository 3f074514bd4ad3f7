// rungs test-label MODEL FILE [k] [threshold]: per-label F1, precision and
// recall, then N, P@k and R@k, laid out as `fasttext test-label` prints them.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "cli/command.h"
#include "cli/model_evaluation.h"

namespace rungs::cli {
namespace {

// fastText prints an undefined metric as dashes.
void PrintMetric(const char* name, double value) {
  if (std::isfinite(value)) {
    std::printf("%s : %.6f  ", name, value);
  } else {
    std::printf("%s : --------  ", name);
  }
}

Status RunTestLabel(const EvaluationFlags& flags) {
  Result<text::EvalResult> result = EvaluateFile(flags);
  if (!result.ok()) return result.error();
  if (!flags.json) {
    for (const text::LabelStats& label : result->labels) {
      PrintMetric("F1-Score", label.F1());
      PrintMetric("Precision", label.Precision());
      PrintMetric("Recall", label.Recall());
      std::printf(" %s\n", label.label.c_str());
    }
    std::fputs(FormatGeneralMetrics(*result).c_str(), stdout);
    return Status::Ok();
  }
  nlohmann::json labels = nlohmann::json::array();
  for (const text::LabelStats& label : result->labels) {
    labels.push_back({{"label", label.label},
                      {"f1", label.F1()},
                      {"precision", label.Precision()},
                      {"recall", label.Recall()},
                      {"gold", label.gold},
                      {"predicted", label.predicted},
                      {"predicted_gold", label.predicted_gold}});
  }
  nlohmann::json out = {{"N", result->examples},
                        {"k", result->k},
                        {"threshold", result->threshold},
                        {"precision", result->PrecisionAtK()},
                        {"recall", result->RecallAtK()},
                        {"labels", std::move(labels)}};
  // Labels are raw bytes from the data; keep invalid UTF-8 visible, not fatal.
  std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return Status::Ok();
}

}  // namespace

Command AddTestLabelCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "test-label", "per-label F1, precision and recall, as `fasttext test-label`");
  auto flags = std::make_shared<EvaluationFlags>();
  AddEvaluationFlags(*sub, *flags);
  return {sub, [flags] { return RunTestLabel(*flags); }};
}

}  // namespace rungs::cli
