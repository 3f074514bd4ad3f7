// rungs predict-prob MODEL FILE|- [k] [threshold]: the best labels of every
// line with their probabilities, as `fasttext predict-prob`.
#include "cli/command.h"
#include "cli/predict_lines.h"

namespace rungs::cli {

Command AddPredictProbCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "predict-prob", "predict the most likely labels of each line, with their probabilities");
  auto flags = std::make_shared<PredictFlags>();
  AddPredictFlags(*sub, *flags);
  return {sub, [flags] { return PredictLines(*flags, /*with_probabilities=*/true); }};
}

}  // namespace rungs::cli
