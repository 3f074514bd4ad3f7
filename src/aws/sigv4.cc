#include "aws/sigv4.h"

#include <string>

namespace rungs::aws {

void SignWithSigV4(CURL* curl, curl_slist** headers, const Credentials& c, std::string_view region,
                   std::string_view service) {
  std::string provider = "aws:amz:" + std::string(region) + ":" + std::string(service);
  curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, provider.c_str());
  // User name and password apart, rather than CURLOPT_USERPWD's "id:secret",
  // so nothing depends on where a colon falls.
  curl_easy_setopt(curl, CURLOPT_USERNAME, c.access_key_id.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, c.secret_access_key.c_str());
  if (!c.session_token.empty()) {
    *headers = curl_slist_append(*headers, ("X-Amz-Security-Token: " + c.session_token).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, *headers);
}

}  // namespace rungs::aws
