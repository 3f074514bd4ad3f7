#include "emulate/faults.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace rungs::emulate {
namespace {

TEST(FaultRates, RefusesOutOfRangeFractionsByFlag) {
  FaultRates rates;
  rates.drop = 1.5;
  Status status = rates.Validate();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("--fault-drop"), std::string::npos) << status.message();
  rates.drop = -0.1;
  EXPECT_FALSE(rates.Validate().ok());
}

TEST(FaultRates, RefusesFractionsAddingUpToMoreThanOne) {
  FaultRates rates;
  rates.throttle = 0.6;
  rates.timeout = 0.6;
  Status status = rates.Validate();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("add up"), std::string::npos) << status.message();
  rates.timeout = 0.4;
  EXPECT_TRUE(rates.Validate().ok());
}

TEST(FaultDraw, EachKindComesAtRoughlyItsRate) {
  FaultRates rates{0.05, 0.10, 0.15, 0.20, 0.25};
  FaultDraw draw(rates, 7);
  std::map<Fault, int> counts;
  const int n = 20000;
  for (int i = 0; i < n; ++i) ++counts[draw.Next()];
  EXPECT_NEAR(counts[Fault::kThrottle] / double(n), 0.05, 0.01);
  EXPECT_NEAR(counts[Fault::kServerError] / double(n), 0.10, 0.015);
  EXPECT_NEAR(counts[Fault::kFunctionError] / double(n), 0.15, 0.015);
  EXPECT_NEAR(counts[Fault::kTimeout] / double(n), 0.20, 0.015);
  EXPECT_NEAR(counts[Fault::kDrop] / double(n), 0.25, 0.015);
  EXPECT_NEAR(counts[Fault::kNone] / double(n), 0.25, 0.015);
}

TEST(FaultDraw, SameSeedSameFaults) {
  FaultRates rates{0.2, 0.2, 0.2, 0.2, 0.1};
  FaultDraw a(rates, 3), b(rates, 3), c(rates, 4);
  int differences = 0;
  for (int i = 0; i < 200; ++i) {
    Fault fa = a.Next();
    EXPECT_EQ(fa, b.Next());
    differences += fa != c.Next();
  }
  EXPECT_GT(differences, 0);
}

TEST(FaultDraw, NoRatesNoFaults) {
  FaultDraw draw(FaultRates{}, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(draw.Next(), Fault::kNone);
}

TEST(FaultDraw, ThreadsDrawingTogetherGetTheSameFaultsAsOneThread) {
  FaultRates rates{0.1, 0.1, 0.1, 0.1, 0.1};
  FaultDraw alone(rates, 9), shared(rates, 9);
  std::map<Fault, int> expected;
  for (int i = 0; i < 4000; ++i) ++expected[alone.Next()];
  std::vector<std::map<Fault, int>> counts(4);
  std::vector<std::thread> threads;
  for (auto& count : counts) {
    threads.emplace_back([&shared, &count] {
      for (int i = 0; i < 1000; ++i) ++count[shared.Next()];
    });
  }
  for (auto& thread : threads) thread.join();
  std::map<Fault, int> together;
  for (const auto& count : counts) {
    for (const auto& [fault, n] : count) together[fault] += n;
  }
  EXPECT_EQ(together, expected);
}

TEST(FaultLimits, OnlyATimeoutFaultShortensTheRunAndDiscardsTheAnswer) {
  using std::chrono::milliseconds;
  for (Fault fault : {Fault::kNone, Fault::kThrottle, Fault::kServerError, Fault::kFunctionError,
                      Fault::kDrop}) {
    RunLimits limits = LimitsFor(fault, 30);
    EXPECT_EQ(limits.time_to_answer, std::chrono::seconds(30)) << FaultName(fault);
    EXPECT_FALSE(limits.discard_answer) << FaultName(fault);
  }
  RunLimits doomed = LimitsFor(Fault::kTimeout, 30);
  EXPECT_EQ(doomed.time_to_answer, milliseconds(200));
  EXPECT_TRUE(doomed.discard_answer);
  EXPECT_EQ(LimitsFor(Fault::kTimeout, 0.1).time_to_answer, milliseconds(100));
}

TEST(FaultAnswers, AnInjectedFunctionErrorIsUnhandledAndLoggedAsAnEmptyRun) {
  FunctionAnswer answer = InjectedFunctionError("r-9", 512);
  EXPECT_TRUE(answer.function_error);
  nlohmann::json body = nlohmann::json::parse(answer.body);
  EXPECT_EQ(body["errorType"], "Rungs.InjectedFault");
  EXPECT_EQ(body["errorMessage"], "RequestId: r-9 Error: injected function error");
  EXPECT_EQ(answer.log,
            "START RequestId: r-9 Version: $LATEST\nEND RequestId: r-9\n"
            "REPORT RequestId: r-9\tDuration: 0.00 ms\tBilled Duration: 0 ms\t"
            "Memory Size: 512 MB\tMax Memory Used: 0 MB\t\n");
}

}  // namespace
}  // namespace rungs::emulate
