// The Cassandra guest contract (cassandra_guest.proto) over gRPC: each call
// authenticated by the instance's token, errors mapped to statuses with
// their message (guestagent/rpc_guard.h); cleanup and decommission run as
// guest jobs (guestagent/job_rpc.h) so no caller waits hours on a call.
#include "datastores/cassandra/cassandra_guest.grpc.pb.h"
#include "datastores/cassandra/guest_cassandra_manager.h"
#include "guestagent/job_rpc.h"

namespace automat::datastores::cassandra {
namespace {

namespace pc = proto::cassandra;

class CassandraGuestService final : public pc::CassandraGuest::Service {
 public:
  CassandraGuestService(CassandraManager& manager, const guestagent::RpcEnvironment& env)
      : m_(manager), env_(env) {}

  grpc::Status RingStatus(grpc::ServerContext* ctx, const proto::Empty*,
                          pc::RingStatusReply* reply) override {
    return env_.guard.run(ctx, "RingStatus", [&] { *reply = m_.ring_status(); });
  }
  grpc::Status SecureCluster(grpc::ServerContext* ctx, const pc::Credentials* req,
                             proto::Empty*) override {
    return changing(ctx, "SecureCluster", [&] { m_.secure_cluster(*req); });
  }
  grpc::Status StoreCredentials(grpc::ServerContext* ctx, const pc::Credentials* req,
                                proto::Empty*) override {
    return changing(ctx, "StoreCredentials", [&] { m_.use_admin_credentials(*req); });
  }
  grpc::Status RotateAdmin(grpc::ServerContext* ctx, const pc::RotateAdminRequest* req,
                           pc::RotateAdminReply* reply) override {
    return changing(ctx, "RotateAdmin",
                    [&] { reply->set_username(m_.rotate_admin(req->password())); });
  }
  grpc::Status UpdateSeeds(grpc::ServerContext* ctx, const pc::UpdateSeedsRequest* req,
                           proto::Empty*) override {
    return changing(ctx, "UpdateSeeds", [&] {
      m_.update_seeds(std::vector<std::string>(req->seeds().begin(), req->seeds().end()));
    });
  }
  grpc::Status Cleanup(grpc::ServerContext* ctx, const proto::JobRequest* req,
                       proto::JobReply* reply) override {
    return job(
        ctx, "Cleanup", *req, "cleanup", [this] { m_.cleanup(); }, reply);
  }
  grpc::Status Decommission(grpc::ServerContext* ctx, const proto::JobRequest* req,
                            proto::JobReply* reply) override {
    return job(
        ctx, "Decommission", *req, "decommission", [this] { m_.decommission(); }, reply);
  }

 private:
  grpc::Status changing(grpc::ServerContext* ctx, const char* method,
                        const std::function<void()>& work) {
    const grpc::Status status = env_.guard.run(ctx, method, work);
    if (env_.changed) env_.changed();
    return status;
  }
  grpc::Status job(grpc::ServerContext* ctx, const char* method, const proto::JobRequest& req,
                   const char* kind, std::function<void()> work, proto::JobReply* reply) {
    auto changed = env_.changed;
    return guestagent::start_job(
        env_.guard, env_.jobs, ctx, method, req, kind,
        [work = std::move(work), changed](guestagent::JobContext&) {
          try {
            work();
          } catch (...) {
            if (changed) changed();
            throw;
          }
          if (changed) changed();
          return std::string();
        },
        reply);
  }

  CassandraManager& m_;
  const guestagent::RpcEnvironment env_;
};

}  // namespace

std::unique_ptr<grpc::Service> CassandraManager::make_service(
    const guestagent::RpcEnvironment& env) {
  return std::make_unique<CassandraGuestService>(*this, env);
}

}  // namespace automat::datastores::cassandra
