#include "emulate/connection_drop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace rungs::emulate {
namespace {

// The port and printable address of an IPv4 or IPv6 socket address.
bool Unpack(const sockaddr_storage& address, std::string* text, int* port) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    inet_ntop(AF_INET, &v4->sin_addr, buffer, sizeof(buffer));
    *port = ntohs(v4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &v6->sin6_addr, buffer, sizeof(buffer));
    *port = ntohs(v6->sin6_port);
  } else {
    return false;
  }
  *text = buffer;
  return true;
}

}  // namespace

bool DropConnection(int local_port, const std::string& peer_address, int peer_port) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_storage local{}, peer{};
    socklen_t local_size = sizeof(local), peer_size = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0 ||
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0) {
      continue;
    }
    std::string local_text, peer_text;
    int local_found = 0, peer_found = 0;
    if (!Unpack(local, &local_text, &local_found) || !Unpack(peer, &peer_text, &peer_found)) {
      continue;
    }
    if (local_found == local_port && peer_found == peer_port && peer_text == peer_address) {
      return shutdown(fd, SHUT_RDWR) == 0;
    }
  }
  return false;
}

}  // namespace rungs::emulate
