#include "tune/experiment_dir.h"

#include <filesystem>

#include "base/atomic_file.h"
#include "base/text_file.h"
#include "tune/tune_options.h"
#include "tune/tune_outputs.h"

namespace rungs::tune {
namespace {

namespace fs = std::filesystem;

constexpr const char* kJournalFile = "journal.sqlite";
constexpr const char* kSpecFile = "experiment.json";

}  // namespace

std::string JournalPath(const std::string& dir) { return (fs::path(dir) / kJournalFile).string(); }

Status CheckNoExperimentIn(const std::string& dir) {
  if (!fs::exists(JournalPath(dir))) return Status::Ok();
  return Fail("--out " + dir + " holds another experiment; continue it with --resume " + dir +
              " or choose another folder");
}

Status SaveSpec(const TuneSpec& spec) {
  std::error_code error;
  fs::create_directories(spec.out, error);
  if (error) return Fail("cannot create --out " + spec.out + ": " + error.message());
  return WriteFileAtomically((fs::path(spec.out) / kSpecFile).string(),
                             SpecToJson(spec).dump(2) + "\n");
}

Result<TuneSpec> ReadSavedSpec(const std::string& dir) {
  std::string path = (fs::path(dir) / kSpecFile).string();
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return Fail(dir + " holds no rungs experiment (" + text.message() + ")");
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Fail(path + ": not valid JSON");
  auto spec = SpecFromJson(json, path);
  if (!spec.ok()) return spec.error();
  spec->out = dir;
  return spec;
}

Result<driver::Experiment> OpenExperimentIn(
    const TuneSpec& spec, const std::optional<store::ExperimentRecord>& new_record) {
  if (new_record) RUNGS_RETURN_IF_ERROR(SaveSpec(spec));
  return driver::OpenExperiment(JournalPath(spec.out), new_record);
}

Result<store::ExperimentRecord> ReadRecord(const std::string& dir) {
  Result<store::Journal> journal = store::Journal::Open(JournalPath(dir));
  if (!journal.ok()) return journal.error();
  return journal->experiment();
}

}  // namespace rungs::tune
