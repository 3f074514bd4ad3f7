#include "tune/tune_spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace rungs::tune {
namespace {

std::string WriteToml(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("rungs_spec_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(TuneSpec, ReadsKeysNamedLikeTheFlags) {
  std::string path = WriteToml(R"(
train = "train.csv"
valid-fraction = 0.2
budget-seconds = 120
workers = 2
scheduler = "asha"
out = "runs/x"
text-columns = ["title", "body"]
[scheduler-options]
eta = 4
max_epochs = 16
)");
  auto spec = ReadTuneSpec(path);
  ASSERT_TRUE(spec.ok()) << spec.message();
  EXPECT_EQ(spec->train, "train.csv");
  EXPECT_DOUBLE_EQ(spec->valid_fraction, 0.2);
  EXPECT_EQ(spec->workers, 2);
  EXPECT_EQ(spec->read.csv_text_columns, (std::vector<std::string>{"title", "body"}));
  auto options = SchedulerOptions(*spec);
  ASSERT_TRUE(options.ok()) << options.message();
  EXPECT_EQ(options->eta, 4);
  EXPECT_EQ(options->max_epochs, 16);
  EXPECT_DOUBLE_EQ(options->max_seconds, 120);
  std::filesystem::remove(path);
}

TEST(TuneSpec, UnknownKeyIsNamedWithItsLine) {
  std::string path = WriteToml("train = \"a.csv\"\n\nbudget-epoch = 100\n");
  auto spec = ReadTuneSpec(path);
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.message().find(":3: unknown key 'budget-epoch'"), std::string::npos) << spec.message();
  std::filesystem::remove(path);
}

TEST(TuneSpec, UnknownSchedulerOptionIsNamed) {
  TuneSpec spec;
  spec.scheduler_options = {{"etaa", 3}};
  auto options = SchedulerOptions(spec);
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.message().find("etaa"), std::string::npos) << options.message();
}

TEST(TuneSpec, ValidationNamesTheFlag) {
  TuneSpec spec;
  spec.train = "t.csv";
  spec.out = "o";
  spec.budget_epochs = 100;
  EXPECT_TRUE(Validate(spec).ok());
  spec.valid_fraction = 1.0;
  EXPECT_NE(Validate(spec).message().find("--valid-fraction"), std::string::npos);
  spec.valid_fraction = 0.1;
  spec.budget_epochs = 0;
  EXPECT_NE(Validate(spec).message().find("no budget"), std::string::npos);
}

TuneSpec LambdaSpec() {
  TuneSpec spec;
  spec.train = "s3://bucket/train.csv";
  spec.out = "o";
  spec.budget_epochs = 50;
  spec.budget_dollars = 2;
  spec.executor = "lambda";
  spec.function = "rungs-worker";
  return spec;
}

TEST(TuneSpec, LambdaRestartsPromotedTrialsByDefault) {
  TuneSpec spec = LambdaSpec();
  ASSERT_TRUE(Validate(spec).ok()) << Validate(spec).message();
  EXPECT_EQ(Promotion(spec), "restart");
  auto options = SchedulerOptions(spec);
  ASSERT_TRUE(options.ok()) << options.message();
  EXPECT_EQ(options->promotion, job::Promotion::kRestart);
  spec.executor = "local";
  spec.function.clear();
  spec.budget_dollars = 0;
  EXPECT_EQ(Promotion(spec), "resume");
}

TEST(TuneSpec, BadLambdaCombinationsAreRefusedNamingTheFlag) {
  auto refused = [](TuneSpec spec, const std::string& want) {
    Status s = Validate(spec);
    EXPECT_FALSE(s.ok()) << want;
    EXPECT_NE(s.message().find(want), std::string::npos) << s.message();
  };
  TuneSpec s = LambdaSpec();
  s.function.clear();
  refused(s, "--executor lambda needs --function");
  s = LambdaSpec();
  s.function = "arn:aws:lambda:us-east-1:1:function:x";
  refused(s, "--function 'arn:aws:lambda:us-east-1:1:function:x' may hold only letters");
  s = LambdaSpec();
  s.qualifier = "prod/1";
  refused(s, "--qualifier");
  s = LambdaSpec();
  s.command = "python train.py";
  s.space_file = "space.toml";
  refused(s, "--command cannot run on Lambda");
  s = LambdaSpec();
  s.promotion = "resume";
  refused(s, "--promotion resume needs local workers");
  s = LambdaSpec();
  s.concurrency = 0;
  refused(s, "--concurrency");
  s = LambdaSpec();
  s.function_timeout = 901;
  refused(s, "--function-timeout");
  s = LambdaSpec();
  s.memory_mb = 20000;
  refused(s, "--memory-mb");
  s = LambdaSpec();
  s.workers = 4;
  refused(s, "--workers is for local workers");
  s = LambdaSpec();
  s.executor = "cluster";
  refused(s, "--executor must be local or lambda");
  s = LambdaSpec();
  s.budget_dollars = -1;
  refused(s, "must not be negative");
  s = LambdaSpec();
  s.price_per_gb_second = -0.1;
  refused(s, "--price-per-gb-second");
  // Lambda flags without Lambda.
  s = LambdaSpec();
  s.executor = "local";
  refused(s, "--function needs --executor lambda");
  s.function.clear();
  refused(s, "--budget-dollars needs --executor lambda");
  s.budget_dollars = 0;
  s.region = "eu-west-1";
  refused(s, "--region needs --executor lambda");
}

TEST(TuneSpec, BudgetTooSmallForOneBottomRungJobIsRefused) {
  TuneSpec spec;
  spec.budget_epochs = 1;
  spec.scheduler_options = {{"min_epochs", 2}, {"max_epochs", 18}};
  auto options = SchedulerOptions(spec);
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.message().find("too small"), std::string::npos) << options.message();
}

TEST(TuneSpec, JsonRoundTrip) {
  TuneSpec spec;
  spec.train = "x.jsonl";
  spec.test = "y.jsonl";
  spec.refit = true;
  spec.seed = 42;
  spec.scheduler_options = {{"eta", 2}};
  spec.executor = "lambda";
  spec.function = "f";
  spec.qualifier = "live";
  spec.endpoint_url = "http://127.0.0.1:9001";
  spec.concurrency = 300;
  spec.memory_mb = 2048;
  spec.budget_dollars = 1.5;
  auto back = SpecFromJson(SpecToJson(spec), "mem");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(SpecToJson(*back), SpecToJson(spec));
}

}  // namespace
}  // namespace rungs::tune
