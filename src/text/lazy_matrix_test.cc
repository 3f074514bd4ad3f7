#include "text/lazy_matrix.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace rungs::text {
namespace {

std::vector<float> Initial(const RowSource& source, int64_t row, int64_t cols) {
  std::vector<float> out(static_cast<size_t>(cols));
  source.Fill(row, out.data());
  return out;
}

bool RowEquals(const float* row, const std::vector<float>& expected) {
  return std::memcmp(row, expected.data(), expected.size() * sizeof(float)) == 0;
}

TEST(LazyMatrix, AnAbsentRowReadsAsItsSourceAndIsMadeOnlyWhenMutated) {
  auto source = std::make_shared<UniformRows>(7, 0.5f, 3);
  LazyMatrix m(5000, 7, source);
  EXPECT_EQ(m.present_rows(), 0);
  std::vector<float> scratch(7);
  const float* read = m.Row(4321, scratch.data());
  EXPECT_EQ(read, scratch.data());
  EXPECT_TRUE(RowEquals(read, Initial(*source, 4321, 7)));
  EXPECT_FALSE(m.present(4321));

  float* row = m.MutableRow(4321);
  EXPECT_TRUE(RowEquals(row, Initial(*source, 4321, 7)));
  EXPECT_EQ(m.present_rows(), 1);
  row[0] = 42;
  EXPECT_EQ(m.Row(4321, scratch.data())[0], 42);
  EXPECT_EQ(m.MutableRow(4321), row);
  EXPECT_EQ(m.PresentRowIds(), std::vector<int32_t>{4321});
}

TEST(LazyMatrix, WithoutASourceRowsStartAtZero) {
  LazyMatrix m(3, 4, nullptr);
  const float* row = m.MutableRow(2);
  for (int j = 0; j < 4; ++j) EXPECT_EQ(row[j], 0.0f);
}

TEST(UniformRows, ValuesAreUniformInRangeAndKeyedByRowAndSeed) {
  const float a = 0.01f;
  UniformRows source(101, a, 0);
  EXPECT_EQ(Initial(source, 17, 101), Initial(UniformRows(101, a, 0), 17, 101));
  EXPECT_NE(Initial(source, 17, 101), Initial(source, 18, 101));
  EXPECT_NE(Initial(source, 17, 101), Initial(UniformRows(101, a, 1), 17, 101));
  double sum = 0, sum2 = 0;
  int64_t n = 0;
  for (int64_t row = 0; row < 2000; ++row) {
    for (float v : Initial(source, row, 101)) {
      ASSERT_GE(v, -a);
      ASSERT_LT(v, a);
      sum += v;
      sum2 += double{v} * v;
      ++n;
    }
  }
  // U(-a, a): mean 0, variance a^2 / 3 (200k draws: both within 1%).
  EXPECT_NEAR(sum / n, 0.0, 0.01 * a);
  EXPECT_NEAR(sum2 / n, a * a / 3.0, 0.01 * a * a / 3.0);
}

// Threads racing to make the same rows all see one row each, holding the
// source's value, whoever won.
TEST(LazyMatrix, ThreadsMakingTheSameRowsAgree) {
  const int64_t rows = 20000, cols = 9;
  auto source = std::make_shared<UniformRows>(cols, 1.0f, 5);
  LazyMatrix m(rows, cols, source);
  std::vector<int64_t> wanted;
  for (int64_t i = 0; i < rows; i += 3) wanted.push_back(i);
  std::vector<std::vector<float*>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<int64_t> order = wanted;
      std::shuffle(order.begin(), order.end(), std::mt19937(t));
      for (int64_t i : order) seen[t].push_back(m.MutableRow(i));
      std::vector<float*> by_row(static_cast<size_t>(rows));
      for (size_t k = 0; k < order.size(); ++k) by_row[order[k]] = seen[t][k];
      seen[t] = by_row;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(m.present_rows(), static_cast<int64_t>(wanted.size()));
  std::set<float*> distinct;
  for (int64_t i : wanted) {
    for (int t = 1; t < 4; ++t) ASSERT_EQ(seen[t][i], seen[0][i]) << i;
    distinct.insert(seen[0][i]);
    ASSERT_TRUE(RowEquals(seen[0][i], Initial(*source, i, cols))) << i;
  }
  EXPECT_EQ(distinct.size(), wanted.size());
  EXPECT_FALSE(m.present(1));
}

TEST(LazyMatrix, ACopyHoldsThePresentRowsOnly) {
  auto source = std::make_shared<UniformRows>(4, 1.0f, 0);
  LazyMatrix m(3000, 4, source);
  m.MutableRow(2999)[1] = 7;
  m.MutableRow(10)[0] = 3;
  const LazyMatrix copy = m;
  EXPECT_EQ(copy.PresentRowIds(), (std::vector<int32_t>{10, 2999}));
  EXPECT_EQ(copy.RowIfPresent(2999)[1], 7);
  EXPECT_EQ(copy.RowIfPresent(10)[0], 3);
  m.MutableRow(10)[0] = 4;  // the copy is independent
  EXPECT_EQ(copy.RowIfPresent(10)[0], 3);
  // Two rows on one small page (the matrix is smaller than a huge page),
  // plus the slot table's 12,000 bytes in small pages.
  EXPECT_EQ(copy.resident_bytes(), 4096 + 3 * 4096);
}

TEST(LazyMatrix, ABigMatrixPacksItsRowsFromTheStartOfAHugePage) {
  LazyMatrix m(2'000'000, 100, nullptr);
  const float* first = m.MutableRow(1'999'999);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % LazyMatrix::kPageBytes, 0u);
  EXPECT_EQ(m.MutableRow(7), first + 100);  // packed in the order made
  // One page of rows, and the slot table's 8,000,000 bytes in 4 huge pages.
  EXPECT_EQ(m.resident_bytes(), LazyMatrix::kPageBytes + 4 * LazyMatrix::kPageBytes);
}

}  // namespace
}  // namespace rungs::text
