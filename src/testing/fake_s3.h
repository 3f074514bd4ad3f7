// Test helper: a local S3 stand-in, path style, on a CaptureServer. GET
// /<bucket>/<encoded key> answers 200 with the object and its ETag, 304
// when If-None-Match holds that ETag, 404 NoSuchKey for unknown objects,
// and 403 with S3's XML error when the request is not SigV4-signed for S3
// with `access_key_id` (Authorization, X-Amz-Date, X-Amz-Content-Sha256).
// It checks the form of the signature, not its value (aws4 checks that).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "testing/capture_server.h"

namespace rungs::testing {

class FakeS3 {
 public:
  explicit FakeS3(std::string access_key_id)
      : access_key_id_(std::move(access_key_id)),
        server_([this](const CapturedRequest& request, httplib::Response& response) {
          Answer(request, response);
        }) {}

  bool Start() { return server_.Start(); }
  std::string Endpoint() const { return server_.Url(); }
  std::vector<CapturedRequest> requests() const { return server_.requests(); }

  // Stores (or replaces) the object at raw target `target` ("/bucket/key"
  // as sent, percent-encoded); each version gets a new ETag.
  void Put(const std::string& target, const std::string& body) {
    std::lock_guard<std::mutex> lock(mutex_);
    objects_[target] = {"\"etag-" + std::to_string(++version_) + "\"", body};
  }

 private:
  struct Object {
    std::string etag;
    std::string body;
  };

  static void Error(httplib::Response& response, int status, const std::string& code,
                    const std::string& message) {
    response.status = status;
    response.set_content("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
                             "</Code><Message>" + message +
                             "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>",
                         "application/xml");
  }

  bool Signed(const CapturedRequest& request) const {
    std::string authorization = request.Header("Authorization");
    std::string prefix = "AWS4-HMAC-SHA256 Credential=" + access_key_id_ + "/";
    return authorization.rfind(prefix, 0) == 0 &&
           authorization.find("/s3/aws4_request") != std::string::npos &&
           authorization.find("x-amz-content-sha256") != std::string::npos &&
           !request.Header("X-Amz-Date").empty() &&
           !request.Header("X-Amz-Content-Sha256").empty();
  }

  void Answer(const CapturedRequest& request, httplib::Response& response) {
    if (!Signed(request)) {
      Error(response, 403, "AccessDenied", "Access Denied");
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    auto object = objects_.find(request.target);
    if (object == objects_.end()) {
      Error(response, 404, "NoSuchKey", "The specified key does not exist.");
      return;
    }
    response.set_header("ETag", object->second.etag);
    if (request.Header("If-None-Match") == object->second.etag) {
      response.status = 304;
      return;
    }
    response.set_content(object->second.body, "application/octet-stream");
  }

  const std::string access_key_id_;
  mutable std::mutex mutex_;
  std::map<std::string, Object> objects_;  // Guarded by mutex_.
  int version_ = 0;                        // Guarded by mutex_.
  CaptureServer server_;  // Last: destroyed (stopped) before what it uses.
};

}  // namespace rungs::testing
