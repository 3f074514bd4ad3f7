#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "space/space.h"
#include "testing/spaces.h"

namespace rungs::space {
namespace {

using testing::MustParse;
using testing::kFastTextSpaceToml;

using ::testing::AllOf;
using ::testing::HasSubstr;

// The message FromToml gives for `toml`, which must be refused.
std::string Refusal(const std::string& toml) {
  Result<Space> space = Space::FromToml(toml, "space.toml");
  EXPECT_FALSE(space.ok()) << "accepted:\n" << toml;
  return space.ok() ? "" : space.message();
}

TEST(SpaceToml, ParsesTheFastTextSpaceInDeclarationOrder) {
  Space space = MustParse(kFastTextSpaceToml);
  ASSERT_EQ(space.size(), 11u);
  EXPECT_EQ(space.name(0), "lr");
  EXPECT_EQ(space.name(1), "dim");
  EXPECT_EQ(space.name(10), "lrUpdateRate");
  EXPECT_EQ(space.kind(0), Kind::kFloat);
  EXPECT_EQ(space.param(0).scale, Scale::kLog);
  EXPECT_EQ(space.kind(1), Kind::kInt);
  EXPECT_EQ(space.kind(3), Kind::kCategorical);
  EXPECT_EQ(space.kind(10), Kind::kFixed);
  EXPECT_EQ(space.IndexOf("neg"), 4u);
  EXPECT_FALSE(space.IndexOf("nope").has_value());
  ASSERT_EQ(space.param(4).when.size(), 1u);
  EXPECT_EQ(space.param(4).when[0].param, "loss");
  ASSERT_EQ(space.constraints().size(), 1u);
  EXPECT_EQ(space.constraints()[0].Text(), "maxn >= minn");
}

TEST(SpaceToml, InlineTablesKeepFileOrderToo) {
  Space space = MustParse(R"(
[params]
zeta = { type = "float", min = 0, max = 1 }
alpha = { type = "int", min = 0, max = 3, when = { param = "zeta", op = "<", value = 0.5 } }
mid = { type = "fixed", value = true }
)");
  ASSERT_EQ(space.size(), 3u);
  EXPECT_EQ(space.name(0), "zeta");
  EXPECT_EQ(space.name(1), "alpha");
  EXPECT_EQ(space.name(2), "mid");
}

TEST(SpaceToml, TheExampleInDocParses) {
  std::ifstream in(std::string(RUNGS_SOURCE_DIR) + "/doc/space.md");
  ASSERT_TRUE(in) << "doc/space.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  size_t begin = doc.find("```toml\n");
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  size_t end = doc.find("```", begin);
  Space space = MustParse(doc.substr(begin, end - begin));
  EXPECT_TRUE(space.IndexOf("neg").has_value());
  EXPECT_EQ(space.constraints().size(), 1u);
}

TEST(SpaceToml, RoundTripsThroughToToml) {
  Space space = MustParse(kFastTextSpaceToml);
  Space again = MustParse(space.ToToml());
  EXPECT_TRUE(again == space) << space.ToToml();
  EXPECT_EQ(again.ToToml(), space.ToToml());
}

TEST(SpaceToml, RoundTripsOddNamesListsAndAllValueTypes) {
  Space space = MustParse(R"(
constraints = ["b < \"odd name\""]
[params."odd name"]
type = "float"
min = -1.5
max = 0.1
[params.b]
type = "float"
min = -3
max = 0
[params.flag]
type = "choice"
choices = [true, false]
[params.mode]
type = "choice"
choices = ["a \"quoted\" one", "b", 3, 0.25]
when = [{ param = "flag", value = true }, { param = "b", op = "<=", value = -1 }]
[params.tag]
type = "fixed"
value = "x"
when = { param = "mode", op = "not in", value = ["b", 3] }
)");
  EXPECT_EQ(space.name(0), "odd name");
  EXPECT_EQ(space.param(3).when.size(), 2u);
  Space again = MustParse(space.ToToml());
  EXPECT_TRUE(again == space) << space.ToToml();
}

constexpr char kWithStarts[] = R"(
[params.lr]
type = "float"
min = 0.01
max = 2.0
scale = "log"
[params.loss]
type = "choice"
choices = ["softmax", "ns"]
[params.neg]
type = "int"
min = 1
max = 20
when = { param = "loss", value = "ns" }

[[start]]
lr = 0.5
loss = "softmax"

[[start]]
lr = 1
loss = "ns"
neg = 5
)";

TEST(SpaceToml, StartsAreConfigurationsInFileOrder) {
  Space space = MustParse(kWithStarts);
  ASSERT_EQ(space.starts().size(), 2u);
  EXPECT_EQ(space.ToJson(space.starts()[0]), nlohmann::json({{"lr", 0.5}, {"loss", "softmax"}}));
  EXPECT_EQ(space.ToJson(space.starts()[1]),
            nlohmann::json({{"lr", 1.0}, {"loss", "ns"}, {"neg", 5}}));
  EXPECT_TRUE(space.Contains(space.starts()[1]));
  Space again = MustParse(space.ToToml());
  EXPECT_TRUE(again == space) << space.ToToml();
}

TEST(SpaceToml, RefusesStartsOutsideTheSpaceNamingTheProblem) {
  std::string base = std::string(kWithStarts).substr(0, std::string(kWithStarts).find("[[start]]"));
  EXPECT_THAT(Refusal(base + "[[start]]\nlr = 3.0\nloss = \"softmax\"\n"),
              AllOf(HasSubstr("space.toml:16: [[start]]"), HasSubstr("'lr'"), HasSubstr("outside")));
  EXPECT_THAT(Refusal(base + "[[start]]\nlr = 0.5\nloss = \"softmax\"\nepochs = 3\n"),
              HasSubstr("unknown parameter 'epochs'"));
  EXPECT_THAT(Refusal(base + "[[start]]\nlr = 0.5\nloss = \"softmax\"\nneg = 5\n"),
              HasSubstr("'neg': is given but inactive"));
  EXPECT_THAT(Refusal(base + "[[start]]\nlr = 0.5\n"), HasSubstr("'loss': is missing"));
  EXPECT_THAT(Refusal("start = 3\n" + base), HasSubstr("write [[start]]"));
}

TEST(SpaceToml, RefusesMinNotBelowMax) {
  std::string m = Refusal("[params.lr]\ntype = \"float\"\nmin = 1.0\nmax = 0.5\n");
  EXPECT_THAT(m, HasSubstr("space.toml:1: parameter 'lr'"));
  EXPECT_THAT(m, HasSubstr("min (1.0) must be less than max (0.5)"));
  EXPECT_THAT(Refusal("[params.n]\ntype = \"int\"\nmin = 3\nmax = 3\n"), HasSubstr("parameter 'n'"));
}

TEST(SpaceToml, RefusesLogScaleWithABoundAtOrBelowZero) {
  std::string m = Refusal("[params.lr]\ntype = \"float\"\nmin = 0.0\nmax = 1.0\nscale = \"log\"\n");
  EXPECT_THAT(m, HasSubstr("parameter 'lr'"));
  EXPECT_THAT(m, HasSubstr("log scale needs min > 0"));
  EXPECT_THAT(Refusal("[params.d]\ntype = \"int\"\nmin = -4\nmax = 10\nscale = \"log\"\n"),
              HasSubstr("log scale"));
}

TEST(SpaceToml, RefusesEmptyAndDuplicateChoices) {
  EXPECT_THAT(Refusal("[params.loss]\ntype = \"choice\"\nchoices = []\n"),
              HasSubstr("parameter 'loss': choices are empty"));
  EXPECT_THAT(Refusal("[params.b]\ntype = \"choice\"\nchoices = [1, 1.0]\n"),
              HasSubstr("appears twice"));
}

TEST(SpaceToml, RefusesUnknownType) {
  std::string m = Refusal("[params.lr]\ntype = \"real\"\nmin = 0\nmax = 1\n");
  EXPECT_THAT(m, HasSubstr("space.toml:2: parameter 'lr': unknown type \"real\""));
  EXPECT_THAT(Refusal("[params.lr]\nmin = 0\nmax = 1\n"), HasSubstr("missing key 'type'"));
}

TEST(SpaceToml, RefusesUnknownKeyNamingIt) {
  std::string m = Refusal("[params.lr]\ntype = \"float\"\nmin = 0\nmax = 1\nmni = 3\n");
  EXPECT_THAT(m, HasSubstr("space.toml:5: parameter 'lr': unknown key 'mni'"));
  EXPECT_THAT(Refusal("[params.lr]\ntype = \"float\"\nmin = 0\nmax = 1\nchoices = [1]\n"),
              HasSubstr("key 'choices' does not apply to type \"float\""));
  EXPECT_THAT(Refusal("[params.a]\ntype = \"int\"\nmin = 0\nmax = 1\n"
                      "when = { param = \"a\", value = 1, if = 2 }\n"),
              HasSubstr("unknown key 'if' in 'when'"));
  EXPECT_THAT(Refusal("[params.a]\ntype = \"int\"\nmin = 0\nmax = 1\n[other]\n"),
              HasSubstr("unknown key 'other'"));
}

TEST(SpaceToml, RefusesNonIntegerBoundsForInt) {
  EXPECT_THAT(Refusal("[params.n]\ntype = \"int\"\nmin = 0.5\nmax = 4\n"),
              HasSubstr("parameter 'n': 'min' must be an integer"));
}

TEST(SpaceToml, RefusesConditionOnUnknownParameter) {
  std::string m = Refusal(
      "[params.neg]\ntype = \"int\"\nmin = 1\nmax = 5\nwhen = { param = \"lsos\", value = \"ns\" }\n");
  EXPECT_THAT(m, HasSubstr("space.toml:1: parameter 'neg': condition on unknown parameter 'lsos'"));
}

TEST(SpaceToml, RefusesConditionValueThatIsNotAChoice) {
  std::string m = Refusal(
      "[params.loss]\ntype = \"choice\"\nchoices = [\"ns\", \"hs\"]\n"
      "[params.neg]\ntype = \"int\"\nmin = 1\nmax = 5\nwhen = { param = \"loss\", value = \"nss\" }\n");
  EXPECT_THAT(m, HasSubstr("parameter 'neg': condition on 'loss': \"nss\" is not one of its choices"));
}

TEST(SpaceToml, RefusesCyclesAmongConditions) {
  std::string m = Refusal(R"(
[params.a]
type = "int"
min = 0
max = 3
when = { param = "c", op = ">", value = 1 }
[params.b]
type = "int"
min = 0
max = 3
when = { param = "a", op = ">", value = 1 }
[params.c]
type = "int"
min = 0
max = 3
when = { param = "b", op = ">", value = 1 }
[params.d]
type = "int"
min = 0
max = 3
)");
  EXPECT_THAT(m, HasSubstr("space.toml: conditions form a cycle"));
  EXPECT_THAT(m, HasSubstr("'a' -> 'c' -> 'b' -> 'a'"));
  EXPECT_THAT(Refusal("[params.a]\ntype = \"int\"\nmin = 0\nmax = 3\n"
                      "when = { param = \"a\", op = \">\", value = 1 }\n"),
              HasSubstr("'a' -> 'a'"));
}

TEST(SpaceToml, RefusesConstraintOnUnknownOrNonNumericParameters) {
  const std::string params =
      "[params.minn]\ntype = \"int\"\nmin = 0\nmax = 3\n"
      "[params.loss]\ntype = \"choice\"\nchoices = [\"ns\"]\n";
  EXPECT_THAT(Refusal("constraints = [\"maxn >= minn\"]\n" + params),
              HasSubstr("space.toml:1: constraint 'maxn >= minn': unknown parameter 'maxn'"));
  EXPECT_THAT(Refusal("constraints = [\"loss >= minn\"]\n" + params),
              HasSubstr("parameter 'loss' is not numeric"));
  EXPECT_THAT(Refusal("constraints = [\"minn == minn\"]\n" + params),
              HasSubstr("must be <, <=, > or >="));
  EXPECT_THAT(Refusal("constraints = [\"minn maxn\"]\n" + params), HasSubstr("expected 'a <= b'"));
}

TEST(SpaceToml, RefusesConstraintsThatCannotHold) {
  std::string m = Refusal(
      "constraints = [\"a > b\"]\n"
      "[params.a]\ntype = \"int\"\nmin = 0\nmax = 3\n[params.b]\ntype = \"int\"\nmin = 3\nmax = 9\n");
  EXPECT_THAT(m, HasSubstr("space.toml: the constraints cannot all hold"));
  EXPECT_THAT(Refusal("constraints = [\"a < b\", \"b < a\"]\n"
                      "[params.a]\ntype = \"float\"\nmin = 0\nmax = 1\n"
                      "[params.b]\ntype = \"float\"\nmin = 0\nmax = 1\n"),
              HasSubstr("cannot all hold"));
}

TEST(SpaceToml, ReportsSyntaxErrorsWithLine) {
  EXPECT_THAT(Refusal("[params.lr]\ntype = \"float\nmin = 0\n"), HasSubstr("space.toml:2:"));
}

TEST(SpaceToml, RefusesASpaceWithoutParameters) {
  EXPECT_THAT(Refusal("constraints = []\n"), HasSubstr("no parameters"));
}

}  // namespace
}  // namespace rungs::space
