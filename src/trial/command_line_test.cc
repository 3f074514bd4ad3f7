#include "trial/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::trial {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Split(std::string_view command) {
  Result<std::vector<std::string>> args = SplitCommandLine(command);
  EXPECT_TRUE(args.ok()) << args.message();
  return args.ok() ? *args : std::vector<std::string>{};
}

TEST(SplitCommandLine, SeparatesOnRunsOfBlanks) {
  EXPECT_THAT(Split("  python3 \t train.py\n--lr  {lr} "),
              ElementsAre("python3", "train.py", "--lr", "{lr}"));
}

TEST(SplitCommandLine, SingleQuotesKeepEverythingLiterally) {
  EXPECT_THAT(Split(R"(echo 'a  b' 'c\d' '"')"), ElementsAre("echo", "a  b", R"(c\d)", "\""));
}

TEST(SplitCommandLine, DoubleQuotesUnescapeOnlyQuoteAndBackslash) {
  EXPECT_THAT(Split(R"(run "say \"hi\"" "a\\b" "c\d" "$HOME")"),
              ElementsAre("run", "say \"hi\"", R"(a\b)", R"(c\d)", "$HOME"));
}

TEST(SplitCommandLine, BackslashOutsideQuotesEscapesTheNextCharacter) {
  EXPECT_THAT(Split(R"(run a\ b \'x \\)"), ElementsAre("run", "a b", "'x", "\\"));
}

TEST(SplitCommandLine, QuotesJoinWithTouchingText) {
  EXPECT_THAT(Split(R"(run --name="a b"c 'x'"y"z)"), ElementsAre("run", "--name=a bc", "xyz"));
}

TEST(SplitCommandLine, EmptyQuotesAreAnEmptyArgument) {
  EXPECT_THAT(Split(R"(run '' "" x)"), ElementsAre("run", "", "", "x"));
}

TEST(SplitCommandLine, ShellSyntaxIsPlainText) {
  EXPECT_THAT(Split("run a|b > out; $(rm -rf x) *"),
              ElementsAre("run", "a|b", ">", "out;", "$(rm", "-rf", "x)", "*"));
}

TEST(SplitCommandLine, RefusesUnclosedQuotesNamingTheColumn) {
  Result<std::vector<std::string>> single = SplitCommandLine("run 'abc");
  ASSERT_FALSE(single.ok());
  EXPECT_THAT(single.message(), HasSubstr("column 5"));
  EXPECT_THAT(single.message(), HasSubstr("single quote"));
  Result<std::vector<std::string>> dbl = SplitCommandLine(R"(run "ab\")");
  ASSERT_FALSE(dbl.ok());
  EXPECT_THAT(dbl.message(), HasSubstr("double quote"));
}

TEST(SplitCommandLine, RefusesTrailingBackslash) {
  Result<std::vector<std::string>> args = SplitCommandLine("run x\\");
  ASSERT_FALSE(args.ok());
  EXPECT_THAT(args.message(), HasSubstr("backslash"));
}

TEST(SplitCommandLine, RefusesAnEmptyCommand) {
  EXPECT_FALSE(SplitCommandLine("").ok());
  EXPECT_FALSE(SplitCommandLine(" \t\n").ok());
}

}  // namespace
}  // namespace rungs::trial
