// Test helpers for the worker: a small labelled corpus on disk and job
// requests for it. For tests only.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/sample_data_testing.h"
#include "job/envelope.h"
#include "job/job_json.h"

namespace rungs::worker::testing {

// A learnable three-label corpus in fastText format, in its own folder.
class CorpusDir {
 public:
  explicit CorpusDir(const std::string& name, int lines = 600) {
    dir_ = std::filesystem::temp_directory_path() /
           (name + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "train.txt") << cli::SampleFastTextLines(lines, 7);
  }
  ~CorpusDir() { std::filesystem::remove_all(dir_); }

  std::string dir() const { return dir_.string(); }
  std::string train() const { return (dir_ / "train.txt").string(); }

 private:
  std::filesystem::path dir_;
};

// A valid restart-mode job request for `train`.
inline job::JobEnvelope Envelope(const std::string& train) {
  job::JobEnvelope e;
  e.experiment = "exp-test";
  e.job.id = 42;
  e.job.trial = 7;
  e.job.rung = 1;
  e.job.epochs_to = 3;
  e.job.lr_scale = 0.8;
  e.config = {{"lr", 0.5}, {"dim", 12}};
  e.data.train = train;
  e.data.valid_fraction = 0.25;
  e.data.split_seed = 3;
  e.task.threads = 1;
  e.seed = 11;
  return e;
}

inline std::string Request(const job::JobEnvelope& e) { return job::EnvelopeToJson(e).dump(); }

}  // namespace rungs::worker::testing
