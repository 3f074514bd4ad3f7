#include "text/args.h"

#include <cmath>
#include <string>
#include <utility>

namespace rungs::text {
namespace {

Status CheckRange(std::string_view flag, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    // Built by appending: g++ 12 warns falsely (-Wrestrict) on "-" + string.
    std::string message = "-";
    message.append(flag).append(" must be in [").append(std::to_string(lo)).append(", ");
    message.append(std::to_string(hi)).append("], got ").append(std::to_string(value));
    return Fail(std::move(message));
  }
  return Status::Ok();
}

}  // namespace

Result<Loss> ParseLoss(std::string_view name) {
  if (name == "softmax") return Loss::kSoftmax;
  if (name == "ns") return Loss::kNs;
  if (name == "hs") return Loss::kHs;
  if (name == "ova" || name == "one-vs-all") return Loss::kOva;
  return Fail("-loss: unknown loss '" + std::string(name) +
              "' (expected softmax, ns, hs or ova)");
}

std::string_view LossName(Loss loss) {
  switch (loss) {
    case Loss::kSoftmax: return "softmax";
    case Loss::kNs: return "ns";
    case Loss::kHs: return "hs";
    case Loss::kOva: return "ova";
  }
  return "unknown";
}

Status TrainArgs::Validate() const {
  if (!(lr > 0) || !std::isfinite(lr)) {
    return Fail("-lr must be a positive finite number, got " + std::to_string(lr));
  }
  RUNGS_RETURN_IF_ERROR(CheckRange("dim", dim, 1, 10000));
  RUNGS_RETURN_IF_ERROR(CheckRange("ws", ws, 1, 1000));
  RUNGS_RETURN_IF_ERROR(CheckRange("epoch", epoch, 1, 100000));
  RUNGS_RETURN_IF_ERROR(CheckRange("neg", neg, 1, 1000));
  RUNGS_RETURN_IF_ERROR(CheckRange("thread", thread, 1, 1024));
  RUNGS_RETURN_IF_ERROR(CheckRange("lrUpdateRate", lr_update_rate, 1, 1000000000));
  RUNGS_RETURN_IF_ERROR(CheckRange("minCount", dict.min_count, 1, 1000000000));
  RUNGS_RETURN_IF_ERROR(CheckRange("minCountLabel", dict.min_count_label, 0, 1000000000));
  RUNGS_RETURN_IF_ERROR(CheckRange("wordNgrams", dict.word_ngrams, 1, 100));
  RUNGS_RETURN_IF_ERROR(CheckRange("bucket", dict.bucket, 0, 1000000000));
  RUNGS_RETURN_IF_ERROR(CheckRange("minn", dict.minn, 0, 100));
  RUNGS_RETURN_IF_ERROR(CheckRange("maxn", dict.maxn, 0, 100));
  if (dict.maxn > 0 && dict.maxn < dict.minn) {
    return Fail("-maxn (" + std::to_string(dict.maxn) + ") must be >= -minn (" +
                std::to_string(dict.minn) + ")");
  }
  if (dict.maxn > 0 && dict.minn == 0) {
    return Fail("-minn must be >= 1 when -maxn is set (got -maxn " +
                std::to_string(dict.maxn) + ")");
  }
  if (dict.EffectiveBucket() == 0 && (dict.word_ngrams > 1 || dict.maxn > 0)) {
    return Fail("-bucket must be > 0 with -wordNgrams > 1 or -maxn > 0");
  }
  if (!(t > 0) || !std::isfinite(t)) {
    return Fail("-t must be a positive finite number, got " + std::to_string(t));
  }
  if (dict.label.empty()) return Fail("-label must not be empty");
  if (memory_limit_bytes <= 0) {
    return Fail("memory limit must be positive, got " + std::to_string(memory_limit_bytes));
  }
  return Status::Ok();
}

}  // namespace rungs::text
