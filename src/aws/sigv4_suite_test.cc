// The AWS SigV4 test suite (../shared/testdata/sigv4/v4), signed by libcurl
// through SignWithSigV4: each case's request is sent to a local capture
// server with the case's host mapped to 127.0.0.1, and the Authorization
// header that arrives must equal the suite's. Runs under faketime stopped at
// the suite's 2015-08-30T12:36:00Z (see CMakeLists.txt).
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws/sigv4.h"
#include "testing/capture_server.h"
#include "testing/files.h"

namespace rungs::aws {
namespace {

using testing::CaptureServer;
using testing::CapturedRequest;
using testing::ReadFile;

namespace fs = std::filesystem;

const fs::path kSuite = fs::path(RUNGS_SHARED_TESTDATA) / "sigv4" / "v4";

// Cases libcurl 7.88 cannot express, and why.
const std::map<std::string, std::string> kUnsupported = {
    {"get-header-key-duplicate",
     "libcurl signs a repeated header as separate lines; SigV4 joins the values with commas"},
    {"get-header-value-order", "same: repeated header names are not joined"},
    {"get-header-value-multiline", "a folded (multi-line) header value cannot be sent"},
    {"get-slash-normalized", "libcurl removes dot segments but does not merge repeated slashes"},
    {"get-slashes-normalized", "same: '//' is not merged"},
    {"get-vanilla-query-order-encoded",
     "libcurl 7.88 signs the query as given; it does not sort parameters"},
    {"get-vanilla-query-order-key-case", "same: the query is not sorted"},
    {"post-sts-header-after",
     "the token is added after signing there; libcurl signs every header we add"},
};
// Found with libcurl 7.88.1: 38 cases, 30 supported and passing.
constexpr int kMinSupported = 30;

struct SuiteRequest {
  std::string method;
  std::string target;  // Raw, as the suite writes it (may hold spaces, UTF-8).
  std::vector<std::string> headers;  // "Name:value", Host left out.
  std::string body;
};

SuiteRequest ParseRequest(const std::string& text) {
  SuiteRequest request;
  size_t head_end = text.find("\n\n");
  std::string head = text.substr(0, head_end);
  if (head_end != std::string::npos) request.body = text.substr(head_end + 2);
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  request.method = line.substr(0, line.find(' '));
  size_t target_start = request.method.size() + 1;
  request.target = line.substr(target_start, line.rfind(" HTTP/") - target_start);
  while (std::getline(lines, line)) {
    std::string name = line.substr(0, line.find(':'));
    if (name == "Host") continue;
    request.headers.push_back(line);
  }
  return request;
}

// Percent-encodes what a client must before sending: bytes outside ASCII's
// printable range and spaces. The suite's targets are otherwise valid.
std::string EncodeTarget(const std::string& raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : raw) {
    if (c > 0x20 && c < 0x7f) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  char pair[3];
  for (unsigned char byte : digest) {
    std::snprintf(pair, sizeof(pair), "%02x", byte);
    hex += pair;
  }
  return hex;
}

// The value of the Authorization line of the suite's signed request.
std::string ExpectedAuthorization(const fs::path& dir) {
  std::istringstream lines(ReadFile(dir / "header-signed-request.txt"));
  std::string line;
  const std::string prefix = "Authorization:";
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return {};
}

// Sends the case through libcurl to `server`; true when it arrived.
bool SendCase(const fs::path& dir, const CaptureServer& server) {
  nlohmann::json context = nlohmann::json::parse(ReadFile(dir / "context.json"));
  SuiteRequest request = ParseRequest(ReadFile(dir / "request.txt"));
  Credentials credentials{context["credentials"]["access_key_id"],
                          context["credentials"]["secret_access_key"],
                          context["credentials"].value("token", ""), "suite"};

  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  for (const std::string& header : request.headers) {
    headers = curl_slist_append(headers, header.c_str());
  }
  // sign_body: the signer sends the payload hash as X-Amz-Content-Sha256.
  if (context.value("sign_body", false)) {
    std::string hash = "X-Amz-Content-Sha256:" + Sha256Hex(request.body);
    headers = curl_slist_append(headers, hash.c_str());
  }
  SignWithSigV4(curl, &headers, credentials, context["region"].get<std::string>(),
                context["service"].get<std::string>());
  std::string url = "http://example.amazonaws.com" + EncodeTarget(request.target);
  std::string connect_to = "example.amazonaws.com:80:127.0.0.1:" + std::to_string(server.port());
  curl_slist* connect = curl_slist_append(nullptr, connect_to.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect);
  // The unnormalized cases sign the path as written, dot segments included.
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, context.value("normalize", true) ? 0L : 1L);
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect);
  return code == CURLE_OK;
}

TEST(SigV4Suite, LibcurlSignsEverySupportedCaseLikeTheSuite) {
  CaptureServer server;
  ASSERT_TRUE(server.Start());
  int supported = 0;
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(kSuite)) {
    cases.push_back(entry.path().filename());
  }
  std::sort(cases.begin(), cases.end());
  ASSERT_FALSE(cases.empty()) << "no cases in " << kSuite;
  for (const std::string& name : cases) {
    if (kUnsupported.count(name) != 0) continue;
    SCOPED_TRACE(name);
    size_t before = server.requests().size();
    ASSERT_TRUE(SendCase(kSuite / name, server));
    ASSERT_EQ(server.requests().size(), before + 1);
    CapturedRequest sent = server.requests().back();
    EXPECT_EQ(sent.Header("X-Amz-Date"), "20150830T123600Z") << "not run under faketime?";
    EXPECT_EQ(sent.Header("Authorization"), ExpectedAuthorization(kSuite / name));
    ++supported;
  }
  EXPECT_GE(supported, kMinSupported);
  for (const auto& [name, reason] : kUnsupported) {
    EXPECT_TRUE(fs::exists(kSuite / name)) << "listed as unsupported, not in the suite: " << name;
  }
}

}  // namespace
}  // namespace rungs::aws
