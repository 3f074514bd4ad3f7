// Fuzzes the rungs trailer reader (text/model_trailer.cc): GetRungsTrailer on
// the bytes that follow a model's output matrix. No bytes are no trailer;
// a trailer it accepts ends the file.
#include "fuzz_check.h"
#include "text/model_trailer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rungs::text;
  const std::string path = rungs::fuzz::BytesAsFile(data, size);
  BinaryReader in(path);
  FUZZ_CHECK(in.Open().ok());
  rungs::Result<std::optional<Preprocessing>> trailer = GetRungsTrailer(in);
  if (!trailer.ok()) {
    FUZZ_CHECK(trailer.message().find(path) != std::string::npos);  // errors name the file
    return 0;
  }
  FUZZ_CHECK(in.remaining() == 0);
  FUZZ_CHECK(trailer->has_value() == (size > 0));
  return 0;
}
