// rungs predict MODEL FILE|- [k] [threshold]: the best labels of every line,
// as `fasttext predict`.
#include "cli/command.h"
#include "cli/predict_lines.h"

namespace rungs::cli {

Command AddPredictCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("predict", "predict the most likely labels of each line");
  auto flags = std::make_shared<PredictFlags>();
  AddPredictFlags(*sub, *flags);
  return {sub, [flags] { return PredictLines(*flags, /*with_probabilities=*/false); }};
}

}  // namespace rungs::cli
