#include "trial/classifier_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "testing/temp_dir.h"

namespace rungs::trial {
namespace {

// `rows` lines, each with a label of its own (row<first + i>), so a corpus's
// labels say which rows it holds.
std::string WriteRows(const std::string& name, int first, int rows) {
  const std::string path = testing::TestPath(name);
  std::ofstream out(path);
  for (int i = first; i < first + rows; ++i) out << "__label__row" << i << " word" << i % 3 << "\n";
  return path;
}

std::set<std::string> RowsOf(const text::Corpus& corpus) {
  std::set<std::string> rows;
  for (const auto& [label, count] : corpus.LabelCounts()) {
    EXPECT_EQ(count, 1) << label;
    rows.insert(label);
  }
  return rows;
}

TEST(ClassifierData, FoldsPoolTrainAndValidationAndHoldOutEachRowOnce) {
  DataSpec spec;
  spec.train = WriteRows("folds_train.txt", 0, 7);
  spec.valid = WriteRows("folds_valid.txt", 7, 5);
  spec.split_seed = 3;
  spec.folds = 3;
  std::map<std::string, int> held_out;
  for (int fold = 0; fold < 3; ++fold) {
    spec.fold = fold;
    ClassifierData data(spec);
    Result<TrainValid> got = data.Get(false);
    ASSERT_TRUE(got.ok()) << got.message();
    EXPECT_EQ(got->valid->size(), 4);
    EXPECT_EQ(got->train->size(), 8);
    const std::set<std::string> train = RowsOf(*got->train);
    for (const std::string& row : RowsOf(*got->valid)) {
      EXPECT_FALSE(train.count(row)) << row << " is in both parts of fold " << fold;
      ++held_out[row];
    }
  }
  EXPECT_EQ(held_out.size(), 12u);  // every row of both files, each held out once
  for (const auto& [row, times] : held_out) EXPECT_EQ(times, 1) << row;
}

TEST(ClassifierData, FoldsOfATrainingFileAloneUseAllOfIt) {
  DataSpec spec;
  spec.train = WriteRows("folds_only_train.txt", 0, 10);
  spec.folds = 5;
  spec.fold = 4;
  ClassifierData data(spec);
  Result<TrainValid> got = data.Get(false);
  ASSERT_TRUE(got.ok()) << got.message();
  EXPECT_EQ(got->valid->size(), 2);
  EXPECT_EQ(got->train->size(), 8);
}

TEST(ClassifierData, AFoldThatDoesNotExistIsAnError) {
  DataSpec spec;
  spec.train = WriteRows("folds_bad.txt", 0, 6);
  spec.folds = 3;
  spec.fold = 3;
  ClassifierData data(spec);
  Result<TrainValid> got = data.Get(false);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.message(), "fold 3 of 3 does not exist");
}

TEST(ClassifierData, AValidationFractionThatLeavesAPartEmptyIsAnErrorNamingIt) {
  DataSpec spec;
  spec.train = WriteRows("fraction.txt", 0, 20);
  for (double fraction : {0.001, 0.999}) {
    spec.valid_fraction = fraction;
    ClassifierData data(spec);
    Result<TrainValid> got = data.Get(false);
    ASSERT_FALSE(got.ok()) << fraction;
    EXPECT_NE(got.message().find(spec.train + ": a validation fraction of "), std::string::npos)
        << got.message();
    EXPECT_NE(got.message().find(fraction < 0.5 ? "leaves no line to validate on"
                                                : "leaves no line to train on"),
              std::string::npos)
        << got.message();
    EXPECT_NE(got.message().find("--valid-fraction"), std::string::npos) << got.message();
  }
  spec.valid_fraction = 0.05;  // one line of 20
  ClassifierData data(spec);
  Result<TrainValid> got = data.Get(false);
  ASSERT_TRUE(got.ok()) << got.message();
  EXPECT_EQ(got->valid->size(), 1);
}

}  // namespace
}  // namespace rungs::trial
