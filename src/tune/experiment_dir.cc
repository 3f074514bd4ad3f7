#include "tune/experiment_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>
#include <utility>

#include "base/atomic_file.h"
#include "base/text_file.h"
#include "tune/tune_options.h"
#include "tune/tune_outputs.h"

namespace rungs::tune {
namespace {

namespace fs = std::filesystem;

constexpr const char* kJournalFile = "journal.sqlite";
constexpr const char* kSpecFile = "experiment.json";
constexpr const char* kDataFilesFile = "data-files.json";
constexpr const char* kLockFile = ".lock";

// What a fresh run may find in its folder and take over: the lock, and
// what a creation killed before the journal was in place leaves (with a
// command trainable, its empty trials/logs folder too).
bool LeftByInterruptedCreation(const fs::path& dir, const std::string& name) {
  if (name == "trials") {
    std::error_code error;
    return fs::is_empty(dir / "trials" / "logs", error) && !error &&
           std::distance(fs::directory_iterator(dir / "trials", error), fs::directory_iterator()) == 1;
  }
  return name == kLockFile || name == kSpecFile || name == kDataFilesFile ||
         name.starts_with(std::string(kJournalFile) + ".creating") ||
         name.find(".tmp.") != std::string::npos;
}

// Takes the flock on `fd`, the lock file of `dir`; fails naming the pid
// that holds it.
Status Lock(int fd, const std::string& dir) {
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return Status::Ok();
  if (errno != EWOULDBLOCK) return Fail("cannot lock " + dir + ": " + std::strerror(errno));
  char holder[32] = {};
  ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
  std::string pid = n > 0 ? std::string(holder, size_t(n)) : "";
  return Fail(dir + " is in use by " + (pid.empty() ? "another rungs process" : "pid " + pid) +
              " (a rungs tune running there); wait for it to end or stop it");
}

// A kill while a file was written leaves its temporary (NAME.tmp.PID,
// base/atomic_file.h), as large as the model it held. Those of writers no
// longer alive go; a live one may be `rungs report` running beside a run.
// Only the temporaries of the files a run writes: --out may be a folder
// the user also keeps other files in.
void RemoveStaleTemporaries(const std::string& dir) {
  static constexpr std::string_view kOutputs[] = {"best.bin",    "best.ftz",    "best.json",
                                                  "best.toml",   "report.html", "trials.csv",
                                                  std::string_view(kSpecFile),
                                                  std::string_view(kDataFilesFile)};
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    const size_t at = name.rfind(".tmp.");
    if (at == std::string::npos ||
        std::find(std::begin(kOutputs), std::end(kOutputs), name.substr(0, at)) ==
            std::end(kOutputs)) {
      continue;
    }
    const std::string_view digits = std::string_view(name).substr(at + 5);
    int64_t pid = 0;
    auto [end, parsed] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (parsed != std::errc() || end != digits.data() + digits.size() || pid <= 0) continue;
    if (pid <= std::numeric_limits<pid_t>::max() &&
        (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) {
      continue;  // its writer is alive
    }
    std::error_code ignored;  // best effort: a stale file is only space
    fs::remove(entry.path(), ignored);
  }
}

// `text`, read from the file at `path`, as JSON; fails naming the file.
Result<nlohmann::json> ParseJsonOf(const std::string& path, const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Fail(path + ": not valid JSON");
  return json;
}

Status CheckNoJournalIn(const std::string& dir) {
  if (!fs::exists(JournalPath(dir))) return Status::Ok();
  return Fail("--out " + dir + " holds another experiment; continue it with --resume " + dir +
              " or choose another folder");
}

}  // namespace

std::string JournalPath(const std::string& dir) { return (fs::path(dir) / kJournalFile).string(); }

Status CheckNoExperimentIn(const std::string& dir) {
  RUNGS_RETURN_IF_ERROR(ExperimentLock::CheckFree(dir));
  RUNGS_RETURN_IF_ERROR(CheckNoJournalIn(dir));
  std::error_code error;
  if (!fs::exists(dir, error)) return Status::Ok();
  if (!fs::is_directory(dir, error)) return Fail("--out " + dir + " is a file, not a folder");
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!LeftByInterruptedCreation(dir, name)) {
      return Fail("--out " + dir + " is not empty and holds no rungs experiment (it has " + name +
                  "); choose an empty or new folder");
    }
  }
  if (error) return Fail("cannot read --out " + dir + ": " + error.message());
  return Status::Ok();
}

Result<ExperimentLock> ExperimentLock::Take(const std::string& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Fail("cannot create " + dir + ": " + error.message());
  const std::string path = (fs::path(dir) / kLockFile).string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Fail("cannot lock " + dir + ": " + path + ": " + std::strerror(errno));
  ExperimentLock lock(fd);
  RUNGS_RETURN_IF_ERROR(Lock(fd, dir));
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    return Fail("cannot lock " + dir + ": " + path + ": " + std::strerror(errno));
  }
  RemoveStaleTemporaries(dir);
  return lock;
}

Status ExperimentLock::CheckFree(const std::string& dir) {
  const std::string path = (fs::path(dir) / kLockFile).string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Ok();  // never locked
  ExperimentLock probe(fd);         // released again when it goes
  return Lock(fd, dir);
}

ExperimentLock::ExperimentLock(ExperimentLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

ExperimentLock::~ExperimentLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
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
  if (fs::exists(path) && !fs::exists(JournalPath(dir))) {
    return Fail(dir + " holds no rungs experiment: its creation was interrupted before the "
                "journal was made; start it again with --out " + dir);
  }
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return Fail(dir + " holds no rungs experiment (" + text.message() + ")");
  Result<nlohmann::json> json = ParseJsonOf(path, *text);
  if (!json.ok()) return json.error();
  auto spec = SpecFromJson(*json, path);
  if (!spec.ok()) return spec.error();
  spec->out = dir;
  return spec;
}

Result<driver::Experiment> OpenExperimentIn(const TuneSpec& spec,
                                            const std::optional<NewExperiment>& created) {
  if (created) {
    // Again, now under the lock: a run that started beside this one may
    // have made its experiment here since PlanSearch checked.
    RUNGS_RETURN_IF_ERROR(CheckNoJournalIn(spec.out));
    RUNGS_RETURN_IF_ERROR(SaveSpec(spec));
    RUNGS_RETURN_IF_ERROR(WriteFileAtomically((fs::path(spec.out) / kDataFilesFile).string(),
                                              DataFilesToJson(created->data_files).dump(2) + "\n"));
  }
  // The dollars are not the scheduler's, so not in the record: experiment.json
  // has them as given, or as a change the journal also holds left them.
  Result<TuneSpec> saved = created ? Result<TuneSpec>(spec) : ReadSavedSpec(spec.out);
  if (!saved.ok()) return saved.error();
  driver::RunBudget dollars;
  dollars.dollars = saved->budget_dollars;
  return driver::OpenExperiment(
      JournalPath(spec.out),
      created ? std::optional(created->record) : std::optional<store::ExperimentRecord>(), dollars);
}

Result<std::optional<std::vector<DataFile>>> ReadDataFiles(const std::string& dir) {
  const std::string path = (fs::path(dir) / kDataFilesFile).string();
  std::error_code error;
  if (!fs::exists(path, error)) return std::optional<std::vector<DataFile>>();
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.error();
  Result<nlohmann::json> json = ParseJsonOf(path, *text);
  if (!json.ok()) return json.error();
  Result<std::vector<DataFile>> files = DataFilesFromJson(*json, path);
  if (!files.ok()) return files.error();
  return std::optional(std::move(*files));
}

Status SaveBudget(const std::string& dir, const driver::RunBudget& budget) {
  Result<TuneSpec> saved = ReadSavedSpec(dir);
  if (!saved.ok()) return saved.error();
  TuneSpec updated = *saved;
  SetBudget(budget, updated);
  if (BudgetOf(updated) == BudgetOf(*saved)) return Status::Ok();
  return SaveSpec(updated);
}

Result<store::ExperimentRecord> ReadRecord(const std::string& dir) {
  Result<store::Journal> journal = store::Journal::Open(JournalPath(dir));
  if (!journal.ok()) return journal.error();
  return journal->experiment();
}

}  // namespace rungs::tune
