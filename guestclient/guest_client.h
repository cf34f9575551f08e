#pragma once
// The control plane's typed, deadline-bound calls into one guest agent's
// generic face (proto GuestAgent). GrpcGuestClientFactory
// (guestclient/grpc_guest_client.h) attaches the instance's token;
// tests/fakes/fake_guest_client.h stands in for it in unit tests.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "automat/guest.pb.h"
#include "guestclient/guest_endpoint.h"

namespace automat::guestclient {

class GuestClient {
 public:
  virtual ~GuestClient() = default;
  // Each call throws common::Error(kUnavailable) when the guest cannot be
  // reached within the deadline, and common::Error(kInternal) carrying the
  // guest's message when the guest answered with an error.
  virtual proto::PingReply ping(std::chrono::milliseconds deadline) = 0;
  virtual proto::StatusReply prepare(const proto::PrepareRequest& req,
                                     std::chrono::milliseconds deadline) = 0;
  virtual proto::StatusReply get_status(std::chrono::milliseconds deadline) = 0;
  virtual proto::StatusReply start_datastore(std::chrono::milliseconds deadline) = 0;
  virtual proto::StatusReply stop_datastore(std::chrono::milliseconds deadline) = 0;
  virtual proto::StatusReply restart_datastore(std::chrono::milliseconds deadline) = 0;
  // DatastoreManager::act on the guest: `args` may hold secrets (never
  // logged); answers the action's JSON result. A guest that does not know
  // the action throws common::Error(kBadRequest) with its message.
  virtual nlohmann::json act(const std::string& action, const nlohmann::json& args,
                             std::chrono::milliseconds deadline) = 0;
};

class GuestClientFactory {
 public:
  virtual ~GuestClientFactory() = default;
  // A client for the guest at `endpoint`, authenticating with that
  // instance's token. Cheap; connects lazily.
  virtual std::unique_ptr<GuestClient> connect(const GuestEndpoint& endpoint) = 0;
};

}  // namespace automat::guestclient
