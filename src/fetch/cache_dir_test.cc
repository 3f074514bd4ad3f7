#include "fetch/cache_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

namespace rungs::fetch {
namespace {

// Sets an environment variable for one scope and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value == nullptr) {
      unsetenv(name);
    } else {
      setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(CacheDir, ChosenFolderWins) {
  ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
  EXPECT_EQ(CacheDir("/chosen").value(), "/chosen");
}

TEST(CacheDir, UsesXdgCacheHomeThenHome) {
  ScopedEnv home("HOME", "/home/someone");
  {
    ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    EXPECT_EQ(CacheDir("").value(), "/xdg/rungs");
  }
  ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
  EXPECT_EQ(CacheDir("").value(), "/home/someone/.cache/rungs");
}

TEST(CacheDir, FailsWithoutAnyHint) {
  ScopedEnv home("HOME", nullptr);
  ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
  Result<std::filesystem::path> dir = CacheDir("");
  ASSERT_FALSE(dir.ok());
  EXPECT_THAT(dir.message(), testing::HasSubstr("XDG_CACHE_HOME"));
}

TEST(CacheFileName, KeepsReadableTailAndSeparatesUrls) {
  std::string name = CacheFileName("https://example.org/a/20news-bydate.tar.gz?sig=1#x");
  EXPECT_THAT(name, testing::EndsWith("-20news-bydate.tar.gz"));
  EXPECT_EQ(name.size(), 17 + std::string("20news-bydate.tar.gz").size());
  EXPECT_NE(CacheFileName("http://a.org/data.csv"), CacheFileName("http://b.org/data.csv"));
  EXPECT_EQ(CacheFileName("http://a.org/data.csv"), CacheFileName("http://a.org/data.csv"));
}

TEST(UrlFileName, DropsUnsafeCharactersAndFallsBack) {
  EXPECT_EQ(UrlFileName("http://h/x/my%20file$.csv"), "my20file.csv");
  EXPECT_EQ(UrlFileName("http://example.org"), "download");
  EXPECT_EQ(UrlFileName("http://example.org/dir/"), "download");
  EXPECT_EQ(UrlFileName("http://example.org/.."), "download");
}

}  // namespace
}  // namespace rungs::fetch
