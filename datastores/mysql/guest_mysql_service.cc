// The MySQL guest contract (mysql_guest.proto) over gRPC: each call
// authenticated by the instance's token, errors mapped to statuses with
// their message (guestagent/rpc_guard.h), the work done through
// MysqlManager::replication_call; a backup, a replica's copy and its
// follow run as guest jobs (guestagent/job_rpc.h). Requests and replies may
// hold passwords or the storage's secret: only method names are logged.
#include "datastores/mysql/guest_mysql_backup.h"
#include "datastores/mysql/guest_mysql_manager.h"
#include "datastores/mysql/mysql_guest.grpc.pb.h"
#include "guestagent/job_rpc.h"

namespace automat::datastores::mysql {
namespace {

namespace pm = proto::mysql;

class MysqlGuestService final : public pm::MysqlGuest::Service {
 public:
  MysqlGuestService(MysqlManager& manager, const guestagent::RpcEnvironment& env)
      : m_(manager), env_(env) {}

  grpc::Status EnableSource(grpc::ServerContext* ctx, const pm::ReplicationUserRequest* req,
                            pm::ReplicationLogin* reply) override {
    return call(ctx, "EnableSource",
                [&](ReplicationActions& a) { *reply = a.enable_source(*req); });
  }
  // A copy for a replica as a job (kind "seed-copy"): mariadb-backup
  // --backup and --prepare take minutes on a big data set. Its result is
  // the serialized Backup.
  grpc::Status StartTakeSeedCopy(grpc::ServerContext* ctx, const pm::TakeSeedCopyJob* req,
                                 proto::JobReply* reply) override {
    return job(
        ctx, "StartTakeSeedCopy", req->key(), "seed-copy",
        [copy = req->copy()](ReplicationActions& a) {
          return a.take_backup(copy).SerializeAsString();
        },
        reply);
  }
  grpc::Status ReleaseBackup(grpc::ServerContext* ctx, const pm::BackupRequest* req,
                             proto::Empty*) override {
    return call(ctx, "ReleaseBackup", [&](ReplicationActions& a) { a.release_backup(*req); });
  }
  // A replica's seed as a job (kind "follow"): mariadbd stops, its data dir
  // is copied back from the source's copy, it starts and follows. The
  // request holds the replication password; the job record does not.
  grpc::Status StartFollow(grpc::ServerContext* ctx, const pm::FollowJob* req,
                           proto::JobReply* reply) override {
    return job(
        ctx, "StartFollow", req->key(), "follow",
        [follow = req->follow()](ReplicationActions& a) {
          a.follow(follow);
          return std::string();
        },
        reply);
  }
  grpc::Status FollowCurrent(grpc::ServerContext* ctx, const pm::FollowCurrentRequest* req,
                             proto::Empty*) override {
    return call(ctx, "FollowCurrent", [&](ReplicationActions& a) { a.follow_current(*req); });
  }
  grpc::Status ReplicationStatus(grpc::ServerContext* ctx, const proto::Empty*,
                                 pm::ReplicationStatusReply* reply) override {
    return call(ctx, "ReplicationStatus",
                [&](ReplicationActions& a) { *reply = a.replication_status(); });
  }
  grpc::Status CurrentGtid(grpc::ServerContext* ctx, const proto::Empty*,
                           pm::Gtid* reply) override {
    return call(ctx, "CurrentGtid", [&](ReplicationActions& a) { *reply = a.current_gtid(); });
  }
  grpc::Status WaitCaughtUp(grpc::ServerContext* ctx, const pm::WaitCaughtUpRequest* req,
                            pm::WaitCaughtUpReply* reply) override {
    return call(ctx, "WaitCaughtUp",
                [&](ReplicationActions& a) { *reply = a.wait_caught_up(*req); });
  }
  grpc::Status Detach(grpc::ServerContext* ctx, const proto::Empty*, proto::Empty*) override {
    return call(ctx, "Detach", [&](ReplicationActions& a) { a.detach(); });
  }
  grpc::Status DropReplicationUser(grpc::ServerContext* ctx, const pm::ReplicationUserRequest* req,
                                   proto::Empty*) override {
    return call(ctx, "DropReplicationUser",
                [&](ReplicationActions& a) { a.drop_replication_user(*req); });
  }
  grpc::Status SetReadOnly(grpc::ServerContext* ctx, const pm::ReadOnlyRequest* req,
                           proto::Empty*) override {
    return call(ctx, "SetReadOnly", [&](ReplicationActions& a) { a.set_read_only(req->on()); });
  }
  // Checks the instance and the job at once (kConflict before a prepare),
  // then starts the job, whose result is the manifest's JSON.
  grpc::Status StartStoreBackup(grpc::ServerContext* ctx, const pm::StoreBackupJob* req,
                                proto::JobReply* reply) override {
    const grpc::Status checked =
        env_.guard.run(ctx, "StartStoreBackup", [&] { m_.check_store_backup(*req); });
    if (!checked.ok()) return checked;
    proto::JobRequest job;
    job.set_key(req->key());
    return guestagent::start_job(
        env_.guard, env_.jobs, ctx, "StartStoreBackup", job, "backup",
        [this, backup = *req](guestagent::JobContext& jc) {
          return backup_manifest_json(m_.store_backup(backup, jc));
        },
        reply);
  }

 private:
  // Every call may change what a heartbeat reports (replication health,
  // read-only): one goes out after it.
  grpc::Status call(grpc::ServerContext* ctx, const char* method,
                    const std::function<void(ReplicationActions&)>& work) {
    const grpc::Status status =
        env_.guard.run(ctx, method, [&] { m_.replication_call(method, work); });
    if (env_.changed) env_.changed();
    return status;
  }

  // `work` on the replication actions as a job of `kind` under `key`, one
  // at a time with the other actions (MysqlManager::replication_call); a
  // heartbeat goes out once it ended, whichever way. Answers what `work`
  // answers as the job's result.
  grpc::Status job(grpc::ServerContext* ctx, const char* method, const std::string& key,
                   const char* kind, std::function<std::string(ReplicationActions&)> work,
                   proto::JobReply* reply) {
    proto::JobRequest req;
    req.set_key(key);
    return guestagent::start_job(
        env_.guard, env_.jobs, ctx, method, req, kind,
        [this, method, work = std::move(work)](guestagent::JobContext&) {
          std::string result;
          try {
            m_.replication_call(method, [&](ReplicationActions& a) { result = work(a); });
          } catch (...) {
            if (env_.changed) env_.changed();
            throw;
          }
          if (env_.changed) env_.changed();
          return result;
        },
        reply);
  }

  MysqlManager& m_;
  const guestagent::RpcEnvironment env_;
};

}  // namespace

std::unique_ptr<grpc::Service> MysqlManager::make_service(const guestagent::RpcEnvironment& env) {
  return std::make_unique<MysqlGuestService>(*this, env);
}

}  // namespace automat::datastores::mysql
