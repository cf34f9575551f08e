#pragma once
// The gRPC implementation of guest_client.h: one channel per guest, every
// call carrying "x-automat-token: <instance token>" and a deadline.
#include <memory>
#include <string>

#include "taskmanager/guest_client.h"

namespace automat::taskmanager {

class GrpcGuestClientFactory : public GuestClientFactory {
 public:
  // `guest_secret` is [DEFAULT] guest_secret; each instance's token is
  // derived from it (crypto::guest_rpc_token), never stored.
  explicit GrpcGuestClientFactory(std::string guest_secret);

  // Connects lazily to server.address:server.guest_port.
  std::unique_ptr<GuestClient> connect(const compute::Server& server) override;

 private:
  std::string guest_secret_;
};

}  // namespace automat::taskmanager
