#pragma once
// The control plane's typed, deadline-bound calls into one guest agent's
// generic face (proto GuestAgent), and the link a datastore's own typed
// client (datastores/<name>/workflow_<name>_guest.h) calls through.
// GrpcGuestClientFactory (guestclient/grpc_guest_client.h) attaches the
// instance's token; tests/fakes/fake_guest_client.h stands in for it in
// unit tests.
#include <chrono>
#include <memory>
#include <string>

#include "automat/guest.pb.h"
#include "guestclient/guest_endpoint.h"

namespace grpc {
class Channel;
}

namespace automat::guestclient {

// Where and how to call one guest: its call target (with the instance's
// token) and a channel to it, shared with every other client of that
// address. A datastore's typed client is built on it.
struct GuestLink {
  CallTarget to;
  std::shared_ptr<grpc::Channel> channel;
};

class GuestClient {
 public:
  virtual ~GuestClient() = default;
  // Each call throws common::Error(kUnavailable) when the guest cannot be
  // reached, common::Error(kTimedOut) when it did not answer within the
  // deadline (the call may have taken effect), and common::Error(kInternal)
  // carrying the guest's message when the guest answered with an error.
  virtual proto::PingReply ping(std::chrono::milliseconds deadline) = 0;
  // Starts preparing the datastore as a job under `key` (or answers the job
  // already under it); follow it with get_job.
  virtual proto::JobReply start_prepare(const std::string& key, const proto::PrepareRequest& req,
                                        std::chrono::milliseconds deadline) = 0;
  // Starts applying a new flavor's memory (`ram_mb`) to the datastore as a
  // job under `key` (or answers the job already under it); follow it with
  // get_job.
  virtual proto::JobReply start_resize(const std::string& key, int ram_mb,
                                       std::chrono::milliseconds deadline) = 0;
  virtual proto::StatusReply get_status(std::chrono::milliseconds deadline) = 0;
  // Starts stopping the datastore gracefully as a job of kind "stop" under
  // `key` (or answers the job already under it); follow it with get_job.
  virtual proto::JobReply start_stop(const std::string& key,
                                     std::chrono::milliseconds deadline) = 0;
  // A job start_prepare or one of the datastore's own calls started (proto JobReply; state
  // UNKNOWN when the guest has no job under `key`, e.g. a fresh node).
  virtual proto::JobReply get_job(const std::string& key, std::chrono::milliseconds deadline) = 0;
};

class GuestClientFactory {
 public:
  virtual ~GuestClientFactory() = default;
  // A client for the guest at `endpoint`, authenticating with that
  // instance's token. Cheap; connects lazily.
  virtual std::unique_ptr<GuestClient> connect(const GuestEndpoint& endpoint) = 0;
  // The link to the guest at `endpoint` for a datastore's typed client.
  // Cheap; connects lazily.
  virtual GuestLink link(const GuestEndpoint& endpoint) = 0;
};

}  // namespace automat::guestclient
