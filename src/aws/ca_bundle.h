// The certificate authorities TLS connections trust.
//
// Debian's libcurl looks for Debian's bundle path, which Amazon Linux (the
// Lambda provided.al2023 runtime) does not have, so the Lambda package ships
// its own bundle and its bootstrap names it in SSL_CERT_FILE, the variable
// OpenSSL and curl users already know. libcurl itself does not read it.
#pragma once

#include <cstdlib>

#include <curl/curl.h>

namespace rungs::aws {

// Points `curl` at $SSL_CERT_FILE when that is set; otherwise libcurl's default.
inline void UseCaBundleFromEnvironment(CURL* curl) {
  if (const char* bundle = std::getenv("SSL_CERT_FILE"); bundle != nullptr && *bundle != '\0') {
    curl_easy_setopt(curl, CURLOPT_CAINFO, bundle);
  }
}

}  // namespace rungs::aws
