#include "tune/tune_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing/files.h"
#include "testing/temp_dir.h"
#include "tune/tune_options.h"

namespace rungs::tune {
namespace {

std::string WriteToml(const std::string& text) {
  return testing::WriteFile(testing::FreshDir() / "spec.toml", text);
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

TEST(TuneSpec, DataGivenAsTheExperimentFileIsNamedAsSuch) {
  // `rungs tune train.txt`: the TOML error says what the argument is read as.
  const std::string data = testing::WriteFile(testing::TestPath("train.txt"),
                                              "__label__a some text\n__label__b more\n");
  auto spec = ReadTuneSpec(data);
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.message().find(data + ":1: "), std::string::npos) << spec.message();
  EXPECT_NE(spec.message().find("was read as an experiment TOML file; to tune on it, give --train " +
                                data),
            std::string::npos)
      << spec.message();
  auto missing = ReadTuneSpec(testing::TestPath("missing.toml"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(), "cannot read the experiment file " +
                                   testing::TestPath("missing.toml") + ": no such file");
}

TEST(TuneSpec, UnknownSchedulerOptionIsNamed) {
  TuneSpec spec;
  spec.scheduler_options = {{"etaa", 3}};
  auto options = SchedulerOptions(spec);
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.message().find("etaa"), std::string::npos) << options.message();
}

TEST(TuneSpec, ACrossCheckOfOneFoldOrFewerIsRefusedBeforeTheSearch) {
  TuneSpec spec;
  spec.train = "t.csv";
  spec.out = "o";
  spec.budget_epochs = 100;
  for (int folds : {0, 2, 10}) {
    spec.cross_check = folds;
    EXPECT_TRUE(Validate(spec).ok()) << folds;
  }
  for (int folds : {1, -1}) {
    spec.cross_check = folds;
    EXPECT_EQ(Validate(spec).message(),
              "--cross-check must be 0 (off) or 2 folds or more, got " + std::to_string(folds));
  }
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
  spec.budget_seconds = -5;
  EXPECT_NE(Validate(spec).message().find("--budget-seconds must be a number > 0, got -5"),
            std::string::npos)
      << Validate(spec).message();
}


TuneSpec LambdaSpec() {
  TuneSpec spec;
  spec.train = "s3://bucket/train.csv";
  spec.out = "o";
  spec.budget_epochs = 50;
  spec.budget_dollars = 2;
  spec.executor = Executor::kLambda;
  spec.function = "rungs-worker";
  return spec;
}

TEST(TuneSpec, LambdaRestartsPromotedTrialsByDefault) {
  TuneSpec spec = LambdaSpec();
  ASSERT_TRUE(Validate(spec).ok()) << Validate(spec).message();
  EXPECT_EQ(Promotion(spec), job::Promotion::kRestart);
  auto options = SchedulerOptions(spec);
  ASSERT_TRUE(options.ok()) << options.message();
  EXPECT_EQ(options->promotion, job::Promotion::kRestart);
  spec.executor = Executor::kLocal;
  spec.function.clear();
  spec.budget_dollars = 0;
  EXPECT_EQ(Promotion(spec), job::Promotion::kResume);
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
  s.promotion = job::Promotion::kResume;
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
  s.budget_dollars = -1;
  refused(s, "--budget-dollars must be a number > 0, got -1");
  s = LambdaSpec();
  s.price_per_gb_second = -0.1;
  refused(s, "--price-per-gb-second");
  // Lambda flags without Lambda.
  s = LambdaSpec();
  s.executor = Executor::kLocal;
  refused(s, "--function needs --executor lambda");
  s.function.clear();
  refused(s, "--budget-dollars needs --executor lambda");
  s.budget_dollars = 0;
  s.region = "eu-west-1";
  refused(s, "--region needs --executor lambda");
}

const TuneOption& OptionNamed(std::string_view key) {
  for (const TuneOption& option : kTuneOptions) {
    if (option.key == key) return option;
  }
  ADD_FAILURE() << "no option " << key;
  return kTuneOptions[0];
}

// An executor, a scheduler and a promotion are names, parsed once where they
// come in: a flag or a key.
TEST(TuneSpec, UnknownExecutorIsRefusedNamingTheFlagOrKey) {
  TuneSpec spec = LambdaSpec();
  Status flag = ApplyFlags({{&OptionNamed("executor"), {"cluster"}}}, false, spec);
  EXPECT_THAT(flag.message(), ::testing::HasSubstr("--executor must be local or lambda"));
  EXPECT_EQ(spec.executor, Executor::kLambda) << "a refused value changes nothing";
  auto key = SpecFromJson({{"executor", "cluster"}}, "exp.toml");
  EXPECT_THAT(key.message(), ::testing::HasSubstr("exp.toml: 'executor' must be local or lambda"));
  for (auto [key_name, bad] : {std::pair{"scheduler", "bayes"}, {"promotion", "pause"},
                               {"format", "xml"}}) {
    auto parsed = SpecFromJson({{key_name, bad}}, "exp.toml");
    EXPECT_THAT(parsed.message(), ::testing::HasSubstr(std::string("'") + key_name + "' must be"));
    EXPECT_THAT(parsed.message(), ::testing::HasSubstr(bad));
  }
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
  spec.refit = false;
  spec.seed = 42;
  spec.scheduler_options = {{"eta", 2}};
  spec.executor = Executor::kLambda;
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

TEST(TuneOptions, FlagsSetTheirOptionsAndTheLastValueWins) {
  TuneSpec spec;
  ASSERT_TRUE(ApplyFlags({{&OptionNamed("workers"), {"3"}},
                          {&OptionNamed("valid-fraction"), {"0.25"}},
                          {&OptionNamed("seed"), {"7"}},
                          {&OptionNamed("scheduler"), {"hyperband"}},
                          {&OptionNamed("promotion"), {"restart"}},
                          {&OptionNamed("header"), {}},
                          {&OptionNamed("refit"), {}},
                          {&OptionNamed("text-columns"), {"title", "body"}},
                          {&OptionNamed("label-field"), {"y"}},
                          {&OptionNamed("eta"), {"4"}},
                          {&OptionNamed("workers"), {"5"}}},
                         false, spec)
                  .ok());
  EXPECT_EQ(spec.workers, 5);
  EXPECT_DOUBLE_EQ(spec.valid_fraction, 0.25);
  EXPECT_EQ(spec.seed, 7u);
  EXPECT_EQ(spec.scheduler, sched::Method::kHyperband);
  EXPECT_EQ(spec.promotion, job::Promotion::kRestart);
  EXPECT_FALSE(spec.read.csv_has_header) << "--no-header switches the default";
  EXPECT_FALSE(spec.refit) << "--no-refit switches the default";
  EXPECT_EQ(spec.read.csv_text_columns, (std::vector<std::string>{"title", "body"}));
  EXPECT_EQ(spec.read.json_label_field, "y");
  EXPECT_EQ(spec.scheduler_options["eta"], 4);
  EXPECT_EQ(FlagName(OptionNamed("header")), "--no-header");
  EXPECT_EQ(FlagName(OptionNamed("refit")), "--no-refit");
  EXPECT_EQ(FlagKindOf(OptionNamed("scheduler-options")), FlagKind::kNone);
}

TEST(TuneOptions, BadFlagValuesAreRefusedNamingTheFlag) {
  for (auto [key, value, flag] : {std::tuple{"workers", "many", "--workers must be an integer"},
                                  {"seed", "-1", "--seed must be an integer >= 0"},
                                  {"budget-seconds", "1h", "--budget-seconds must be a number"},
                                  {"min-epochs", "x", "--min-epochs must be an integer"},
                                  {"promotion", "pause", "--promotion must be resume or restart"},
                                  {"workers", "99999999999",
                                   "--workers 99999999999 is out of range: it must be an integer "
                                   "in [0, 4096]"},
                                  {"eta", "4294967296",
                                   "--eta 4294967296 is out of range: it must be an integer in "
                                   "[2, 2147483647]"},
                                  {"seed", "18446744073709551616",
                                   "it must be an integer in [0, 18446744073709551615]"}}) {
    TuneSpec spec;
    Status s = ApplyFlags({{&OptionNamed(key), {value}}}, false, spec);
    EXPECT_THAT(s.message(), ::testing::HasSubstr(flag)) << key;
  }
}

// An option's own range, not its type's: --workers said [-2147483648,
// 2147483647] for a value too large for an int, and [0, 4096] otherwise.
TEST(TuneOptions, AnIntegerOutsideItsOptionsRangeIsRefusedNamingTheRange) {
  struct Case {
    const char* key;
    const char* value;
    const char* message;
  };
  for (const Case& c :
       {Case{"workers", "4097", "--workers must be an integer in [0, 4096], got 4097"},
        Case{"threads", "0", "--threads must be an integer in [1, 256], got 0"},
        Case{"concurrency", "10001", "--concurrency must be an integer in [1, 10000], got 10001"},
        Case{"memory-mb", "-1", "--memory-mb must be an integer in [0, 10240], got -1"}}) {
    TuneSpec spec;
    spec.train = "train.txt";
    spec.budget_epochs = 10;
    spec.out = "out";
    ASSERT_TRUE(ApplyFlags({{&OptionNamed(c.key), {c.value}}}, false, spec).ok()) << c.key;
    EXPECT_EQ(Validate(spec).message(), c.message);
  }
  EXPECT_NE(OptionsMarkdown().find("| `workers` | `--workers` | an integer in [0, 4096] |"),
            std::string::npos);
}

TEST(TuneOptions, ResumingOnlyHowItRunsMayChange) {
  TuneSpec spec;
  ASSERT_TRUE(ApplyFlags({{&OptionNamed("threads"), {"2"}}, {&OptionNamed("workers"), {"3"}},
                          {&OptionNamed("concurrency"), {"9"}}},
                         true, spec)
                  .ok());
  EXPECT_EQ(spec.threads, 2);
  ASSERT_TRUE(ApplyFlags({{&OptionNamed("budget-seconds"), {"60"}}}, true, spec).ok());
  EXPECT_EQ(spec.budget_seconds, 60);
  for (const char* fixed : {"seed", "train", "space", "max-epochs"}) {
    Status s = ApplyFlags({{&OptionNamed(fixed), {"1"}}}, true, spec);
    EXPECT_THAT(s.message(), ::testing::HasSubstr("--" + std::string(fixed) +
                                                  " cannot change on --resume"));
    EXPECT_THAT(s.message(), ::testing::HasSubstr("--budget-epochs, --budget-seconds, "
                                                  "--max-trials, --budget-dollars, --workers, "
                                                  "--threads, --no-refit, --cross-check, --memory, --keep-checkpoints, "
                                                  "--concurrency"));
  }
}

TEST(TuneOptions, ResumingTakesAFixedFlagGivenWithTheValueItHas) {
  // The command line that made the run, with --resume added, is taken; a
  // changed value is refused, naming the value the experiment has.
  TuneSpec saved;
  ASSERT_TRUE(ApplyFlags({{&OptionNamed("train"), {"data/train.txt"}},
                          {&OptionNamed("seed"), {"7"}}, {&OptionNamed("quantize"), {}}},
                         false, saved)
                  .ok());
  TuneSpec spec = saved;
  EXPECT_TRUE(ApplyFlags({{&OptionNamed("train"), {"data/train.txt"}},
                          {&OptionNamed("seed"), {"7"}}, {&OptionNamed("quantize"), {}},
                          {&OptionNamed("budget-seconds"), {"60"}}},
                         true, spec)
                  .ok());
  const std::string train = (std::filesystem::current_path() / "data/train.txt").string();
  EXPECT_EQ(spec.train, train);
  EXPECT_EQ(spec.budget_seconds, 60);
  Status changed = ApplyFlags({{&OptionNamed("train"), {"data/other.txt"}}}, true, spec);
  EXPECT_THAT(changed.message(),
              ::testing::HasSubstr("--train cannot change on --resume (it is '" + train + "')"));
  Status seed = ApplyFlags({{&OptionNamed("seed"), {"8"}}}, true, spec);
  EXPECT_THAT(seed.message(), ::testing::HasSubstr("--seed cannot change on --resume (it is 7)"));
}

// `rungs tune --resume out --out out/` was refused as a change of --out.
TEST(TuneOptions, ResumingTakesTheSameOutputFolderHoweverItIsSpelled) {
  const std::filesystem::path dir = testing::FreshDir();
  std::filesystem::create_directories(dir / "out");
  std::filesystem::create_directories(dir / "other");
  const std::string out = (dir / "out").string();
  for (const std::string& same : {out + "/", (dir / "." / "out").string(),
                                  (dir / "other" / ".." / "out" / "").string()}) {
    TuneSpec spec;
    spec.out = out;
    EXPECT_TRUE(ApplyFlags({{&OptionNamed("out"), {same}}}, true, spec).ok()) << same;
  }
  TuneSpec spec;
  spec.out = out;
  Status other = ApplyFlags({{&OptionNamed("out"), {(dir / "other").string()}}}, true, spec);
  EXPECT_THAT(other.message(), ::testing::HasSubstr("--out cannot change on --resume"));
}

// A run kept data/train.txt as typed, so `cd elsewhere && rungs tune
// --resume /abs/out` read another file or none.
TEST(TuneOptions, LocalDataPathsAreKeptAbsoluteAndUrlsAsGiven) {
  const std::filesystem::path here = std::filesystem::current_path();
  TuneSpec spec;
  ASSERT_TRUE(ApplyFlags({{&OptionNamed("train"), {"data/../data/train.txt"}},
                          {&OptionNamed("valid"), {"https://example.com/valid.txt"}},
                          {&OptionNamed("test"), {"s3://bucket/test.txt"}},
                          {&OptionNamed("data-dir"), {"shared"}}},
                         false, spec)
                  .ok());
  EXPECT_EQ(spec.train, (here / "data/train.txt").string());
  EXPECT_EQ(spec.valid, "https://example.com/valid.txt");
  EXPECT_EQ(spec.test, "s3://bucket/test.txt");
  EXPECT_EQ(spec.data_dir, (here / "shared").string());
  // On Lambda a relative path is also the workers', inside their package.
  TuneSpec lambda;
  ASSERT_TRUE(ApplyFlags({{&OptionNamed("train"), {"data/train.txt"}},
                          {&OptionNamed("executor"), {"lambda"}}},
                         false, lambda)
                  .ok());
  EXPECT_EQ(lambda.train, "data/train.txt");
}

// They were named "scheduler-options", which the user never typed.
TEST(TuneOptions, ABadSchedulerOptionGivenByItsFlagIsNamedByIt) {
  struct Case {
    std::vector<GivenFlag> flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{{&OptionNamed("eta"), {"1"}}}, "--eta: scheduler option 'eta' must be >= 2, got 1"},
      {{{&OptionNamed("min-epochs"), {"0"}}},
       "--min-epochs: scheduler option 'min_epochs' must be >= 1, got 0"},
      {{{&OptionNamed("min-epochs"), {"3"}}, {&OptionNamed("max-epochs"), {"2"}}},
       "--max-epochs: scheduler option 'max_epochs' (R = 2) must be >= min_epochs (r = 3)"}};
  for (const Case& c : cases) {
    TuneSpec spec;
    spec.budget_epochs = 100;
    ASSERT_TRUE(ApplyFlags(c.flags, false, spec).ok());
    EXPECT_THAT(SchedulerOptions(spec).message(), ::testing::HasSubstr(c.message));
  }
}

// The flag was found by searching the message for "scheduler option
// 'eta'", which a value quoted in the message of another key may hold.
TEST(TuneOptions, ABadSchedulerOptionIsNamedByItsKeyNotByTheWordsOfItsMessage) {
  TuneSpec spec;
  spec.budget_epochs = 100;
  spec.scheduler_options = {{"evolution", {{"enabled", "scheduler option 'eta'"}}}};
  EXPECT_THAT(SchedulerOptions(spec).message(),
              ::testing::StartsWith("scheduler-options: scheduler option 'evolution.enabled' "
                                    "must be true or false"));
}

TEST(TuneOptions, AZeroBudgetGivenIsRefusedNamingTheFlag) {
  for (const char* key : {"budget-epochs", "budget-seconds", "max-trials", "budget-dollars"}) {
    TuneSpec spec;
    Status s = ApplyFlags({{&OptionNamed(key), {"0"}}}, false, spec);
    EXPECT_THAT(s.message(), ::testing::HasSubstr("--" + std::string(key) + " must be > 0"));
  }
}

TEST(TuneOptions, ACommandReportsValueUnlessAMetricIsGiven) {
  TuneSpec spec;
  ASSERT_TRUE(ApplyFlags({{&OptionNamed("command"), {"train {lr}"}}}, false, spec).ok());
  EXPECT_EQ(spec.metric, "value");
  TuneSpec chosen;
  ASSERT_TRUE(ApplyFlags({{&OptionNamed("command"), {"train {lr}"}},
                          {&OptionNamed("metric"), {"accuracy"}}},
                         false, chosen)
                  .ok());
  EXPECT_EQ(chosen.metric, "accuracy");
}

TEST(TuneOptions, TheRecordHasEveryKeyOfTheTable) {
  nlohmann::json record = SpecToJson(TuneSpec{});
  for (const TuneOption& option : kTuneOptions) {
    bool flag_only = std::holds_alternative<SchedulerOptionFlag>(option.field);
    EXPECT_EQ(record.contains(std::string(option.key)), !flag_only) << option.key;
  }
  auto back = SpecFromJson(record, "record");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(SpecToJson(*back), record);
}

// doc/tune-options.md is generated from the table; this fails when the table
// changed and the doc was not regenerated.
TEST(TuneOptions, TheCommittedReferenceIsWhatTheTableGenerates) {
  std::ifstream in(std::string(RUNGS_SOURCE_DIR) + "/doc/tune-options.md", std::ios::binary);
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), OptionsMarkdown())
      << "regenerate it: build/rungs tune --options-markdown > doc/tune-options.md";
}

}  // namespace
}  // namespace rungs::tune
