#include "trial/argv_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace rungs::trial {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

space::Space TestSpace() {
  auto space = space::Space::FromToml(R"(
[params.lr]
type = "float"
min = 0.00001
max = 1.0
scale = "log"
[params.dim]
type = "int"
min = 8
max = 300
[params.loss]
type = "choice"
choices = ["softmax", "ns"]
[params.neg]
type = "int"
min = 2
max = 20
when = { param = "loss", op = "==", value = "ns" }
[params."my name"]
type = "choice"
choices = [true, false]
)", "t.toml");
  EXPECT_TRUE(space.ok()) << space.message();
  return *space;
}

job::Job TestJob() {
  job::Job job;
  job.id = 41;
  job.trial = 7;
  job.bracket = 2;
  job.rung = 1;
  job.epochs_from = 3;
  job.epochs_to = 9;
  job.lr_scale = 0.5;
  // lr, dim, loss = softmax (neg inactive), "my name" = false
  job.config = {1e-5, 100, 0, std::numeric_limits<double>::quiet_NaN(), 1};
  return job;
}

std::vector<std::string> Expand(const std::vector<std::string>& argv) {
  space::Space space = TestSpace();
  Result<ArgvTemplate> t = ArgvTemplate::Compile(argv, space);
  EXPECT_TRUE(t.ok()) << t.message();
  if (!t.ok()) return {};
  job::Job job = TestJob();
  return t->Expand(job, JobBindings{space.ToJson(job.config), "/runs/trial-7", 1007});
}

std::string CompileError(const std::vector<std::string>& argv) {
  space::Space space = TestSpace();
  Result<ArgvTemplate> t = ArgvTemplate::Compile(argv, space);
  EXPECT_FALSE(t.ok());
  return t.ok() ? "" : t.message();
}

TEST(ArgvTemplate, FillsJobFields) {
  EXPECT_THAT(Expand({"prog", "{epochs_from}", "{epochs_to}", "{lr_scale}", "{trial}", "{rung}",
                      "{bracket}", "{job}", "{workdir}", "{seed}"}),
              ElementsAre("prog", "3", "9", "0.5", "7", "1", "2", "41", "/runs/trial-7", "1007"));
}

TEST(ArgvTemplate, FillsParametersByNameOrConfigPrefix) {
  EXPECT_THAT(Expand({"prog", "{lr}", "{config.dim}", "{loss}", "{config.my name}"}),
              ElementsAre("prog", "1e-05", "100", "softmax", "false"));
}

TEST(ArgvTemplate, PlaceholdersMayBeEmbeddedAndRepeated) {
  EXPECT_THAT(Expand({"prog", "--lr={lr}", "{workdir}/ckpt-{epochs_from}-{epochs_to}.bin"}),
              ElementsAre("prog", "--lr=1e-05", "/runs/trial-7/ckpt-3-9.bin"));
}

TEST(ArgvTemplate, InactiveParameterIsEmpty) {
  EXPECT_THAT(Expand({"prog", "--neg={neg}"}), ElementsAre("prog", "--neg="));
}

TEST(ArgvTemplate, ConfigIsTheWholeConfigurationAsJson) {
  std::vector<std::string> argv = Expand({"prog", "{config}"});
  ASSERT_EQ(argv.size(), 2u);
  nlohmann::json config = nlohmann::json::parse(argv[1]);
  EXPECT_EQ(config["loss"], "softmax");
  EXPECT_EQ(config["dim"], 100);
  EXPECT_FALSE(config.contains("neg"));
}

TEST(ArgvTemplate, DoubledBracesAreLiteral) {
  EXPECT_THAT(Expand({"prog", "{{\"a\": {dim}}}", "}}{{"}),
              ElementsAre("prog", "{\"a\": 100}", "}{"));
}

TEST(ArgvTemplate, RefusesUnknownPlaceholderNamingIt) {
  std::string error = CompileError({"prog", "--lr", "{lrr}"});
  EXPECT_THAT(error, HasSubstr("argument 3"));
  EXPECT_THAT(error, HasSubstr("unknown placeholder {lrr}"));
  EXPECT_THAT(error, HasSubstr("parameters: lr, dim"));
  EXPECT_THAT(CompileError({"prog", "{config.nope}"}), HasSubstr("unknown parameter 'nope'"));
  EXPECT_THAT(CompileError({"prog", "{}"}), HasSubstr("unknown placeholder {}"));
}

TEST(ArgvTemplate, RefusesUnmatchedBraces) {
  EXPECT_THAT(CompileError({"prog", "--x={lr"}), HasSubstr("'{' at column 5 is never closed"));
  EXPECT_THAT(CompileError({"prog", "{a{lr}"}), HasSubstr("never closed"));
  EXPECT_THAT(CompileError({"prog", "x}"}), HasSubstr("'}' at column 2 closes nothing"));
}

TEST(ArgvTemplate, RefusesANameThatIsBothParameterAndJobField) {
  auto space = space::Space::FromToml("[params.seed]\ntype = \"int\"\nmin = 1\nmax = 9\n", "s.toml");
  ASSERT_TRUE(space.ok()) << space.message();
  Result<ArgvTemplate> bare = ArgvTemplate::Compile({"prog", "{seed}"}, *space);
  ASSERT_FALSE(bare.ok());
  EXPECT_THAT(bare.message(), HasSubstr("ambiguous"));
  EXPECT_THAT(bare.message(), HasSubstr("{config.seed}"));
  EXPECT_TRUE(ArgvTemplate::Compile({"prog", "{config.seed}"}, *space).ok());
}

TEST(ArgvTemplate, RefusesAnEmptyProgram) {
  EXPECT_THAT(CompileError({}), HasSubstr("no program"));
  EXPECT_THAT(CompileError({"", "x"}), HasSubstr("empty"));
}

}  // namespace
}  // namespace rungs::trial
