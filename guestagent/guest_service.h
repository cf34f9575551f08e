#pragma once
// The generic gRPC face of a guest (proto GuestAgent): authenticates every
// call with the instance's rpc token, then hands it to the DatastoreManager. Errors
// thrown by the manager travel back as gRPC statuses carrying their message.
#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>

#include "automat/guest.grpc.pb.h"
#include "common/error.h"
#include "guestagent/datastore_manager.h"
#include "guestagent/guest_jobs.h"
#include "guestagent/rpc_guard.h"

namespace automat::guestagent {

class GuestService final : public proto::GuestAgent::Service {
 public:
  struct Identity {
    std::string instance_id;
    std::string token;  // expected x-automat-token (secret, never logged)
    std::string datastore_version;
  };

  // Borrows `manager`. `status_changed` is called after any call that may
  // have changed the service status (start, restart, and when a prepare,
  // resize or stop job ends), so the
  // caller can publish a heartbeat at once. Calls may run concurrently;
  // the manager serializes what must be.
  // `jobs` holds the jobs the datastore's own service starts (GetJob).
  GuestService(DatastoreManager& manager, Identity identity, JobRunner& jobs,
               std::function<void()> status_changed);

  grpc::Status Ping(grpc::ServerContext* ctx, const proto::Empty* req,
                    proto::PingReply* reply) override;
  grpc::Status StartPrepare(grpc::ServerContext* ctx, const proto::PrepareJob* req,
                            proto::JobReply* reply) override;
  grpc::Status StartResize(grpc::ServerContext* ctx, const proto::ResizeJob* req,
                           proto::JobReply* reply) override;
  grpc::Status StartStop(grpc::ServerContext* ctx, const proto::JobRequest* req,
                         proto::JobReply* reply) override;
  grpc::Status GetStatus(grpc::ServerContext* ctx, const proto::Empty* req,
                         proto::StatusReply* reply) override;
  grpc::Status StartDatastore(grpc::ServerContext* ctx, const proto::Empty* req,
                              proto::StatusReply* reply) override;
  grpc::Status RestartDatastore(grpc::ServerContext* ctx, const proto::Empty* req,
                                proto::StatusReply* reply) override;
  grpc::Status GetJob(grpc::ServerContext* ctx, const proto::JobRequest* req,
                      proto::JobReply* reply) override;

  const RpcGuard& guard() const { return guard_; }

 private:
  // Authenticates, runs `action` (which may throw), maps errors to statuses.
  grpc::Status guarded(grpc::ServerContext* ctx, const char* method,
                       const std::function<void()>& action);
  // Runs a manager action that changes the datastore, then reports status
  // into `reply` (nullptr: the caller reports it).
  grpc::Status change(grpc::ServerContext* ctx, const char* method,
                      const std::function<void()>& action, proto::StatusReply* reply);
  void fill_status(proto::StatusReply* reply);
  void announce();  // calls status_changed_ when set

  DatastoreManager& manager_;
  const Identity identity_;
  const RpcGuard guard_;
  JobRunner& jobs_;
  const std::function<void()> status_changed_;
};

}  // namespace automat::guestagent
