// Closing an HTTP connection without answering, for the emulator's "dropped
// connection" fault. cpp-httplib always writes a response and does not hand
// its handlers the socket, so the socket is found among this process's open
// descriptors by its two ends and shut down; the response httplib then tries
// to write goes nowhere and the client sees the connection close unanswered.
#pragma once

#include <string>

namespace rungs::emulate {

// Shuts down (both ways) the TCP connection of this process whose local port
// is `local_port` and whose peer is `peer_address`:`peer_port`. False when no
// such connection is open.
bool DropConnection(int local_port, const std::string& peer_address, int peer_port);

}  // namespace rungs::emulate
