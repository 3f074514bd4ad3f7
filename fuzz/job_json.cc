// Fuzzes the job protocol's decoders (job/job_json.cc): JobFromJson,
// ResultFromJson and EnvelopeFromJson on any JSON document. A document that
// decodes encodes to JSON that decodes to the same record; a refusal names
// its origin.
#include <nlohmann/json.hpp>

#include "fuzz_check.h"
#include "job/envelope.h"
#include "job/job_json.h"

namespace {

using nlohmann::json;

// Decode, and if that works, encode, decode again and encode again: the
// two encodings are equal, and both dump (the journal stores the dump).
template <class Record>
void CheckRoundTrip(const json& document, rungs::Result<Record> (*decode)(const json&, std::string_view),
                    json (*encode)(const Record&)) {
  rungs::Result<Record> record = decode(document, "fuzz");
  if (!record.ok()) {
    FUZZ_CHECK(record.message().rfind("fuzz: ", 0) == 0);
    return;
  }
  json encoded = encode(*record);
  rungs::Result<Record> again = decode(encoded, "again");
  FUZZ_CHECK(again.ok());
  json reencoded = encode(*again);
  FUZZ_CHECK(reencoded == encoded);
  FUZZ_CHECK(json::parse(encoded.dump()) == encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rungs::Result<json> document = rungs::job::ParseJson(rungs::fuzz::AsText(data, size), "fuzz");
  if (!document.ok()) {
    FUZZ_CHECK(document.message().rfind("fuzz: ", 0) == 0);
    return 0;
  }
  CheckRoundTrip<rungs::job::Job>(*document, rungs::job::JobFromJson, rungs::job::JobToJson);
  CheckRoundTrip<rungs::job::JobResult>(*document, rungs::job::ResultFromJson,
                                        rungs::job::ResultToJson);
  CheckRoundTrip<rungs::job::JobEnvelope>(*document, rungs::job::EnvelopeFromJson,
                                          rungs::job::EnvelopeToJson);
  return 0;
}
