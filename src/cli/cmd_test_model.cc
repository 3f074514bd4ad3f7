// rungs test MODEL FILE [k] [threshold]: N, P@k and R@k, as `fasttext test`.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/command.h"
#include "cli/model_evaluation.h"

namespace rungs::cli {
namespace {

Status RunTest(const EvaluationFlags& flags) {
  Result<text::EvalResult> result = EvaluateFile(flags);
  if (!result.ok()) return result.error();
  if (!flags.json) {
    std::fputs(FormatGeneralMetrics(*result).c_str(), stdout);
    return Status::Ok();
  }
  nlohmann::json out = {{"N", result->examples},
                        {"k", result->k},
                        {"threshold", result->threshold},
                        {"precision", result->PrecisionAtK()},
                        {"recall", result->RecallAtK()}};
  std::printf("%s\n", out.dump().c_str());
  return Status::Ok();
}

}  // namespace

Command AddTestCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("test", "evaluate a model: N, P@k and R@k, as `fasttext test`");
  auto flags = std::make_shared<EvaluationFlags>();
  AddEvaluationFlags(*sub, *flags);
  return {sub, [flags] { return RunTest(*flags); }};
}

}  // namespace rungs::cli
