// The Cassandra guest contract (cassandra_guest.proto) over gRPC: each call
// authenticated by the instance's token, errors mapped to statuses with
// their message (guestagent/rpc_guard.h); securing the ring, cleanup,
// decommission and a backup's or restore's long parts run as guest jobs
// (guestagent/job_rpc.h) so no caller waits minutes or hours on a call.
#include "datastores/cassandra/cassandra_guest.grpc.pb.h"
#include "datastores/cassandra/guest_cassandra_backup.h"
#include "datastores/cassandra/guest_cassandra_cql.h"
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
  // The username is checked at once; the job's password never leaves the node.
  grpc::Status StartSecureCluster(grpc::ServerContext* ctx, const pc::SecureClusterJob* req,
                                  proto::JobReply* reply) override {
    const grpc::Status checked =
        env_.guard.run(ctx, "StartSecureCluster", [&] { validate_role_name(req->username()); });
    if (!checked.ok()) return checked;
    proto::JobRequest job;
    job.set_key(req->key());
    return this->job(
        ctx, "StartSecureCluster", job, "secure",
        [this, username = req->username()] { m_.secure_cluster(username); }, reply);
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
  // A flush and snapshot (minutes on a busy node) and its clear, as jobs;
  // a bad request is refused before any job starts.
  grpc::Status StartSnapshot(grpc::ServerContext* ctx, const pc::SnapshotJob* req,
                             proto::JobReply* reply) override {
    const grpc::Status checked =
        env_.guard.run(ctx, "StartSnapshot", [&] { m_.check_snapshot(*req); });
    if (!checked.ok()) return checked;
    proto::JobRequest job;
    job.set_key(req->key());
    return guestagent::start_job(
        env_.guard, env_.jobs, ctx, "StartSnapshot", job, "snapshot",
        [this, snapshot = *req](guestagent::JobContext&) {
          m_.snapshot(snapshot);
          return std::string();
        },
        reply);
  }
  grpc::Status StartClearSnapshot(grpc::ServerContext* ctx, const pc::ClearSnapshotJob* req,
                                  proto::JobReply* reply) override {
    const grpc::Status checked =
        env_.guard.run(ctx, "StartClearSnapshot", [&] { validate_snapshot_tag(req->tag()); });
    if (!checked.ok()) return checked;
    proto::JobRequest job;
    job.set_key(req->key());
    return guestagent::start_job(
        env_.guard, env_.jobs, ctx, "StartClearSnapshot", job, "clear-snapshot",
        [this, tag = req->tag()](guestagent::JobContext&) {
          m_.clear_snapshot(tag);
          return std::string();
        },
        reply);
  }
  // Checks the job and the snapshot at once, then starts the upload, whose
  // result is a JSON summary (the manifest is in the storage).
  grpc::Status StartUploadSnapshot(grpc::ServerContext* ctx, const pc::UploadSnapshotJob* req,
                                   proto::JobReply* reply) override {
    const grpc::Status checked =
        env_.guard.run(ctx, "StartUploadSnapshot", [&] { m_.check_upload_snapshot(*req); });
    if (!checked.ok()) return checked;
    proto::JobRequest job;
    job.set_key(req->key());
    return guestagent::start_job(
        env_.guard, env_.jobs, ctx, "StartUploadSnapshot", job, "backup",
        [this, upload = *req](guestagent::JobContext& jc) {
          return m_.upload_snapshot(upload, jc);
        },
        reply);
  }
  grpc::Status StartApplySchema(grpc::ServerContext* ctx, const pc::ApplySchemaJob* req,
                                proto::JobReply* reply) override {
    return checked_job(
        ctx, "StartApplySchema", req->key(), "schema", [&] { m_.check_apply_schema(*req); },
        [this, job = *req](guestagent::JobContext& jc) { return m_.apply_schema(job, jc); }, reply);
  }
  grpc::Status StartRestoreSnapshot(grpc::ServerContext* ctx, const pc::RestoreSnapshotJob* req,
                                    proto::JobReply* reply) override {
    const grpc::Status checked =
        env_.guard.run(ctx, "StartRestoreSnapshot", [&] { m_.check_restore_snapshot(*req); });
    if (!checked.ok()) return checked;
    proto::JobRequest job;
    job.set_key(req->key());
    return guestagent::start_job(
        env_.guard, env_.jobs, ctx, "StartRestoreSnapshot", job, "restore",
        [this, restore = *req](guestagent::JobContext& jc) {
          return m_.restore_snapshot(restore, jc);
        },
        reply);
  }
  grpc::Status StartTruncateTables(grpc::ServerContext* ctx, const pc::TruncateTablesJob* req,
                                   proto::JobReply* reply) override {
    return checked_job(
        ctx, "StartTruncateTables", req->key(), "truncate", [&] { m_.check_truncate_tables(*req); },
        [this, job = *req](guestagent::JobContext& jc) { return m_.truncate_tables(job, jc); },
        reply);
  }
  grpc::Status PendingHints(grpc::ServerContext* ctx, const proto::Empty*,
                            pc::PendingHintsReply* reply) override {
    return env_.guard.run(ctx, "PendingHints", [&] { *reply = m_.pending_hints(); });
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

  // Checks the request at once (its error answered as the call's), then
  // starts `work` as a job of `kind` under `key`.
  grpc::Status checked_job(grpc::ServerContext* ctx, const char* method, const std::string& key,
                           const char* kind, const std::function<void()>& check,
                           guestagent::JobRunner::Work work, proto::JobReply* reply) {
    const grpc::Status checked = env_.guard.run(ctx, method, check);
    if (!checked.ok()) return checked;
    proto::JobRequest job;
    job.set_key(key);
    return guestagent::start_job(env_.guard, env_.jobs, ctx, method, job, kind, std::move(work),
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
