#include "cli/commands.h"

namespace rungs::cli {

// Add a line here for each new subcommand (declared just below).
Command AddVersionCommand(CLI::App& app);
Command AddTuneCommand(CLI::App& app);
Command AddReportCommand(CLI::App& app);
Command AddDashboardCommand(CLI::App& app);
Command AddJournalCommand(CLI::App& app);
Command AddSimulateCommand(CLI::App& app);
Command AddTrainCommand(CLI::App& app);
Command AddQuantizeCommand(CLI::App& app);
Command AddTestCommand(CLI::App& app);
Command AddTestLabelCommand(CLI::App& app);
Command AddPredictCommand(CLI::App& app);
Command AddPredictProbCommand(CLI::App& app);
Command AddNormalizeCommand(CLI::App& app);
Command AddWorkerCommand(CLI::App& app);
Command AddLambdaCommand(CLI::App& app);

std::vector<Command> AddCommands(CLI::App& app) {
  return {
      AddVersionCommand(app),
      AddTuneCommand(app),
      AddReportCommand(app),
      AddDashboardCommand(app),
      AddJournalCommand(app),
      AddSimulateCommand(app),
      AddTrainCommand(app),
      AddQuantizeCommand(app),
      AddTestCommand(app),
      AddTestLabelCommand(app),
      AddPredictCommand(app),
      AddPredictProbCommand(app),
      AddNormalizeCommand(app),
      AddWorkerCommand(app),
      AddLambdaCommand(app),
  };
}

}  // namespace rungs::cli
