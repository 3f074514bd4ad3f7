// Test helper for the worker: a small labelled corpus on disk and job
// requests for it.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "job/envelope.h"
#include "job/job_json.h"
#include "testing/sample_data.h"
#include "testing/temp_dir.h"

namespace rungs::testing {

// A learnable three-label corpus in fastText format, in its own folder.
class CorpusDir {
 public:
  explicit CorpusDir(const std::string& name, int lines = 600) {
    dir_ = ProcessDir() / name;
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "train.txt") << testing::SampleFastTextLines(lines, 7);
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

}  // namespace rungs::testing
