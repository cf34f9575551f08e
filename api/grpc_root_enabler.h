#pragma once
// RootEnabler over the node's guest agent: the "enable_root" action through
// the guest's Act RPC, authenticated with the node's derived token.
#include <string>

#include "api/root_enabler.h"
#include "taskmanager/grpc_guest_client.h"

namespace automat::api {

class GrpcRootEnabler : public RootEnabler {
 public:
  GrpcRootEnabler(std::string guest_secret, int guest_port)
      : guests_(std::move(guest_secret)), guest_port_(guest_port) {}

  // Throws kUnavailable when the node has no address yet or its guest does
  // not answer, kInternal with the guest's message when the action fails.
  nlohmann::json enable_root(const db::Instance& node) override;

 private:
  taskmanager::GrpcGuestClientFactory guests_;
  const int guest_port_;
};

}  // namespace automat::api
