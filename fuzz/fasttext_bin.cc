// Fuzzes the model loader (text/fasttext_bin.cc) through LoadFastTextBin, as
// `rungs test` and `rungs predict` load a model: a .bin, or a quantized .ftz
// (text/quant_matrix.cc, text/product_quantizer.cc), with the dictionary it
// rebuilds and the rungs trailer (text/model_trailer.cc). A model that loads
// must predict: every label it returns is one of its labels.
#include "fuzz_check.h"
#include "text/fasttext_bin.h"
#include "text/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rungs::text;
  const std::string path = rungs::fuzz::BytesAsFile(data, size);
  rungs::Result<ModelFile> file = LoadFastTextBin(path);
  if (!file.ok()) {
    FUZZ_CHECK(file.message().find(path) != std::string::npos);  // errors name the file
    return 0;
  }
  const Model& model = file->model;
  std::string line = "the quick brown fox, jumps over the LAZY dog";
  for (int32_t i = 0; i < model.dict().nwords() && i < 3; ++i) {
    line += " " + model.dict().entries()[i].word;
  }
  std::string scratch_text;
  std::vector<std::string_view> words;
  SplitWords(line, file->preprocessing && file->preprocessing->normalize, scratch_text, words);
  std::vector<Prediction> predictions;
  PredictScratch scratch;
  model.PredictWords(words, -1, 0.0f, predictions, scratch);
  FUZZ_CHECK(predictions.size() <= static_cast<size_t>(model.dict().nlabels()));
  for (const Prediction& p : predictions) {
    FUZZ_CHECK(p.label >= 0 && p.label < model.dict().nlabels());
  }
  return 0;
}
