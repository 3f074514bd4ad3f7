#include "base/background_thread.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace rungs {
namespace {

TEST(BackgroundThread, RunsTasksInTheOrderPostedOffThePostingThread) {
  std::vector<int> order;
  std::promise<std::thread::id> ran_on;
  {
    BackgroundThread background;
    for (int i = 0; i < 100; ++i) background.Post([&order, i] { order.push_back(i); });
    background.Post([&ran_on] { ran_on.set_value(std::this_thread::get_id()); });
    EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  }
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(BackgroundThread, TheDestructorLetsTheRunningTaskFinish) {
  std::promise<void> started;
  std::promise<void> go_on;
  bool done = false;
  std::thread release;
  {
    BackgroundThread background;
    background.Post([&] {
      started.set_value();
      go_on.get_future().wait();
      done = true;
    });
    started.get_future().wait();
    // Let the task go on only once the destructor may have begun.
    release = std::thread([&go_on] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      go_on.set_value();
    });
  }
  release.join();
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace rungs
