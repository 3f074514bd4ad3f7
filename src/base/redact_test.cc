#include "base/redact.h"

#include <gtest/gtest.h>

namespace rungs {
namespace {

TEST(RedactSecrets, HidesUserAndPassword) {
  EXPECT_EQ(RedactSecrets("https://alice:hunter2@data.example.com/train.txt"),
            "https://REDACTED@data.example.com/train.txt");
  EXPECT_EQ(RedactSecrets("http://ghp_TOKEN@host:8080/a"), "http://REDACTED@host:8080/a");
}

TEST(RedactSecrets, HidesTheSignatureOfAPresignedS3Url) {
  const std::string url =
      "https://bucket.s3.amazonaws.com/train.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
      "&X-Amz-Security-Token=FwoGZX&X-Amz-Signature=abcdef0123456789";
  EXPECT_EQ(RedactSecrets(url),
            "https://bucket.s3.amazonaws.com/train.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=REDACTED&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600"
            "&X-Amz-SignedHeaders=host&X-Amz-Security-Token=REDACTED"
            "&X-Amz-Signature=REDACTED");
}

TEST(RedactSecrets, HidesTokensSignaturesAndKeysInAnyQuery) {
  EXPECT_EQ(RedactSecrets("https://h/f.txt?token=s3cr3t&page=2#top"),
            "https://h/f.txt?token=REDACTED&page=2#top");
  EXPECT_EQ(RedactSecrets("https://h/f?Signature=x&Expires=9&sig=y&api_key=z"),
            "https://h/f?Signature=REDACTED&Expires=9&sig=REDACTED&api_key=REDACTED");
}

TEST(RedactSecrets, FindsUrlsInsideMessages) {
  EXPECT_EQ(RedactSecrets("download of https://u:p@h/x?token=t failed: HTTP status 403"),
            "download of https://REDACTED@h/x?token=REDACTED failed: HTTP status 403");
  EXPECT_EQ(RedactSecrets("cannot fetch 'https://h/a?token=t': no; s3://b/k?token=u"),
            "cannot fetch 'https://h/a?token=REDACTED': no; s3://b/k?token=REDACTED");
}

TEST(RedactSecrets, LeavesTextWithoutSecretsAlone) {
  for (const char* text : {"train.txt", "https://host/path/train.csv?version=3",
                           "s3://bucket/key.txt", "a :// b", "user@example.com wrote ://x",
                           "https://h/p@q/r", ""}) {
    EXPECT_EQ(RedactSecrets(text), text);
  }
}

TEST(IsRedacted, TellsARedactedUrl) {
  EXPECT_TRUE(IsRedacted(RedactSecrets("https://h/x?token=t")));
  EXPECT_FALSE(IsRedacted("https://h/x?token=t"));
  EXPECT_FALSE(IsRedacted("REDACTED.txt"));
}

}  // namespace
}  // namespace rungs
