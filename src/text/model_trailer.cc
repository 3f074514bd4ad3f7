#include "text/model_trailer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <string>

namespace rungs::text {
namespace {

constexpr char kTrailerMagic[8] = {'R', 'U', 'N', 'G', 'S', 'T', 'R', 'L'};
constexpr int32_t kTrailerVersion = 1;
constexpr int32_t kMaxRecordBytes = 1 << 16;

std::string RecordJson(const Preprocessing& preprocessing) {
  nlohmann::json steps = nlohmann::json::array();
  if (preprocessing.normalize) steps.push_back("normalize");
  return nlohmann::json{{"preprocessing", steps}}.dump();
}

// Keys other than "preprocessing" are left for later versions to add; an
// unknown step is refused, since ignoring it would change what the model
// predicts.
Result<Preprocessing> ParseRecord(const std::string& text, const BinaryReader& in) {
  const nlohmann::json record = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded() || !record.is_object()) {
    return in.Bad("the rungs trailer's record is not a JSON object", "trailer record");
  }
  auto steps = record.find("preprocessing");
  if (steps == record.end() || !steps->is_array()) {
    return in.Bad("the rungs trailer's record has no \"preprocessing\" list", "trailer record");
  }
  Preprocessing preprocessing;
  for (const nlohmann::json& step : *steps) {
    if (step == "normalize" && !preprocessing.normalize) {
      preprocessing.normalize = true;
      continue;
    }
    return in.Bad("preprocessing step " + step.dump() +
                      " is unknown to this rungs (it knows \"normalize\", once)",
                  "trailer record");
  }
  return preprocessing;
}

}  // namespace

void PutRungsTrailer(BinaryWriter& out, const Preprocessing& preprocessing) {
  const std::string record = RecordJson(preprocessing);
  out.PutBytes(kTrailerMagic, sizeof kTrailerMagic);
  out.Put<int32_t>(kTrailerVersion);
  out.Put<int32_t>(static_cast<int32_t>(record.size()));
  out.PutBytes(record.data(), record.size());
}

int64_t RungsTrailerBytes(const Preprocessing& preprocessing) {
  return static_cast<int64_t>(sizeof kTrailerMagic + 2 * sizeof(int32_t) + RecordJson(preprocessing).size());
}

Result<std::optional<Preprocessing>> GetRungsTrailer(BinaryReader& in) {
  if (in.remaining() == 0) return std::optional<Preprocessing>();
  const int64_t extra = in.remaining();
  char magic[sizeof kTrailerMagic];
  const size_t head = static_cast<size_t>(std::min<int64_t>(extra, sizeof magic));
  RUNGS_RETURN_IF_ERROR(in.GetBytes(magic, head, "trailer magic"));
  if (std::memcmp(magic, kTrailerMagic, head) != 0) {
    return in.Bad(std::to_string(extra) +
                      " bytes follow the output matrix, and they are not a rungs trailer",
                  "trailer magic");
  }
  if (head < sizeof magic) return in.Bad("file is truncated inside the rungs trailer", "trailer magic");
  int32_t version = 0, size = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(version, "trailer version"));
  if (version != kTrailerVersion) {
    return in.Bad("rungs trailer version " + std::to_string(version) +
                      " is not supported (this rungs reads version 1)",
                  "trailer version");
  }
  RUNGS_RETURN_IF_ERROR(in.Get(size, "trailer record size"));
  if (size < 2 || size > kMaxRecordBytes) {
    return in.Bad("trailer record size " + std::to_string(size) + " is out of range [2, " +
                      std::to_string(kMaxRecordBytes) + "]",
                  "trailer record size");
  }
  std::string record(static_cast<size_t>(size), '\0');
  RUNGS_RETURN_IF_ERROR(in.GetBytes(record.data(), record.size(), "trailer record"));
  Result<Preprocessing> preprocessing = ParseRecord(record, in);
  if (!preprocessing.ok()) return preprocessing.error();
  if (in.remaining() != 0) {
    return in.Bad(std::to_string(in.remaining()) + " bytes follow the rungs trailer", "end of file");
  }
  return std::optional<Preprocessing>(*preprocessing);
}

}  // namespace rungs::text
