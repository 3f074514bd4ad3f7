// Test helper: the Authorization header aws4 (an independent SigV4 signer
// from npm, run by src/testing/aws4_verify.js) gives a request libcurl sent, so
// a test can check rungs' signing against it.
#pragma once

#include <strings.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "aws/credentials.h"
#include "testing/capture_server.h"
#include "testing/temp_dir.h"

namespace rungs::testing {

// Headers libcurl adds by itself and leaves unsigned, by design.
inline bool AddedUnsignedByCurl(const std::string& name) {
  for (const char* unsigned_name :
       {"accept", "user-agent", "content-length", "expect", "authorization"}) {
    if (strcasecmp(name.c_str(), unsigned_name) == 0) return true;
  }
  return false;
}

// aws4's Authorization for the captured request.
inline std::string Aws4Authorization(const CapturedRequest& sent, const std::string& service,
                                     const std::string& region, const aws::Credentials& c) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : sent.headers) {
    if (!AddedUnsignedByCurl(name)) headers[name] = value;
  }
  nlohmann::json credentials = {{"accessKeyId", c.access_key_id},
                                {"secretAccessKey", c.secret_access_key}};
  if (!c.session_token.empty()) credentials["sessionToken"] = c.session_token;
  nlohmann::json request = {{"method", sent.method}, {"path", sent.target},
                            {"headers", headers},    {"body", sent.body},
                            {"service", service},    {"region", region},
                            {"credentials", credentials}};
  std::filesystem::path file = TestPath("aws4_request.json");
  std::ofstream(file) << request.dump();
  std::string command =
      "/usr/bin/node " RUNGS_SOURCE_DIR "/src/testing/aws4_verify.js " + file.string();
  std::FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char block[512];
  while (pipe != nullptr && std::fgets(block, sizeof(block), pipe) != nullptr) output += block;
  int status = pipe == nullptr ? -1 : pclose(pipe);
  std::filesystem::remove(file);
  EXPECT_EQ(status, 0) << command;
  if (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

}  // namespace rungs::testing
