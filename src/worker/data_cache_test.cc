#include "worker/data_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/worker_jobs.h"

namespace rungs::worker {
namespace {

using ::testing::HasSubstr;

job::DataLocations Locations(const std::string& train, uint64_t split_seed = 1) {
  job::DataLocations data;
  data.train = train;
  data.valid_fraction = 0.25;
  data.split_seed = split_seed;
  return data;
}

TEST(DataCache, AWarmContainerReusesParsedCorpora) {
  testing::CorpusDir corpus("rungs_worker_cache");
  DataCache cache({});
  auto first = cache.Get(Locations(corpus.train()));
  ASSERT_TRUE(first.ok()) << first.message();
  auto corpora = (*first)->Get(false);
  ASSERT_TRUE(corpora.ok()) << corpora.message();
  EXPECT_EQ(corpora->valid->size(), 150);

  auto again = cache.Get(Locations(corpus.train()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get());
  EXPECT_EQ((*again)->Get(false)->train.get(), corpora->train.get());  // not parsed again

  // Another split is other data.
  auto other = cache.Get(Locations(corpus.train(), 2));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->get(), first->get());
}

TEST(DataCache, KeepsOnlyTheMostRecentDataSets) {
  testing::CorpusDir corpus("rungs_worker_cache_lru");
  DataCache cache({.max_entries = 2});
  auto one = cache.Get(Locations(corpus.train(), 1));
  auto two = cache.Get(Locations(corpus.train(), 2));
  ASSERT_EQ(cache.Get(Locations(corpus.train(), 1))->get(), one->get());  // 1 is newest now
  auto three = cache.Get(Locations(corpus.train(), 3));                   // evicts 2
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get(Locations(corpus.train(), 1))->get(), one->get());
  EXPECT_NE(cache.Get(Locations(corpus.train(), 2))->get(), two->get());
}

TEST(DataCache, NamesTheLocationThatCannotBeHad) {
  testing::CorpusDir corpus("rungs_worker_cache_missing");
  DataCache cache({.task_root = corpus.dir()});
  job::DataLocations data = Locations("train.txt");
  data.valid = "valid.txt";  // relative: inside the package, where there is none
  auto got = cache.Get(data);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.message(), HasSubstr("data.valid"));
  EXPECT_THAT(got.message(), HasSubstr(corpus.dir() + "/valid.txt"));

  data.valid = "";
  data.train = "ftp://example.com/train.txt";
  got = cache.Get(data);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.message(), HasSubstr("data.train"));
}

}  // namespace
}  // namespace rungs::worker
