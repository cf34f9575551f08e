#pragma once
// Where one guest agent listens: written by the compute driver that started
// it (compute::Server is this record) and read by the guest clients.
#include <string>

namespace automat::guestclient {

struct GuestEndpoint {
  std::string instance_id;
  std::string address;  // the address the guest agent and datastore listen on
  int guest_port = 0;   // gRPC port of the guest agent on `address`
};

// One guest as a call addresses it.
struct CallTarget {
  std::string instance_id;
  std::string target;  // "address:port"
  std::string token;   // the instance's rpc token (secret, never logged)
};

}  // namespace automat::guestclient
