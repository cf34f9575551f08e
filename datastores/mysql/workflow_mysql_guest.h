#pragma once
// The MySQL workflows' typed calls into one instance's guest
// (mysql_guest.proto), each bound by a deadline and throwing common::Error
// by meaning (guestclient/grpc_call.h). Requests and replies may hold
// passwords: never logged.
#include <chrono>
#include <memory>
#include <string>

#include "datastores/mysql/mysql_guest.grpc.pb.h"
#include "guestclient/guest_client.h"
#include "taskmanager/workflow.h"

namespace automat::datastores::mysql {

class MysqlGuestClient {
 public:
  using ms = std::chrono::milliseconds;
  explicit MysqlGuestClient(guestclient::GuestLink link);

  proto::mysql::ReplicationLogin enable_source(const std::string& user, ms deadline);
  // Starts (or answers) the job under `job_key` that takes the copy under
  // `copy_key` (taken once per copy key), held by `holder` until it calls
  // release_backup; GetJob follows it, and once it succeeded its result is
  // the Backup (seed_copy_of).
  proto::JobReply start_take_seed_copy(const std::string& job_key, const std::string& copy_key,
                                       const std::string& holder, ms deadline);
  void release_backup(const std::string& key, const std::string& holder, ms deadline);
  // Starts (or answers) the job under `job_key` that replaces this
  // instance's data by `backup` and follows `source`; GetJob follows it.
  proto::JobReply start_follow(const std::string& job_key, const proto::mysql::Backup& backup,
                               const proto::mysql::Source& source, ms deadline);
  void follow_current(const proto::mysql::Source& source, ms deadline);
  proto::mysql::ReplicationStatusReply replication_status(ms deadline);
  std::string current_gtid(ms deadline);
  // True once the instance applied `gtid`; waits up to `timeout_seconds` on the guest.
  bool wait_caught_up(const std::string& gtid, int timeout_seconds, ms deadline);
  void detach(ms deadline);
  void drop_replication_user(const std::string& user, ms deadline);
  void set_read_only(bool on, ms deadline);
  // Starts (or answers) the backup job under job.key(); GetJob follows it.
  proto::JobReply start_store_backup(const proto::mysql::StoreBackupJob& job, ms deadline);

 private:
  guestclient::CallTarget to_;
  std::unique_ptr<proto::mysql::MysqlGuest::Stub> stub_;
};

// The Backup a succeeded seed-copy job answered (its JobReply.result);
// throws common::Error(kInternal) when the result holds no copy.
proto::mysql::Backup seed_copy_of(const std::string& job_result);

// The client for instance `id` (its server as the compute driver records
// it); throws common::Error(kUnavailable) when it has no server.
MysqlGuestClient mysql_guest(taskmanager::StepContext& ctx, const std::string& id);

}  // namespace automat::datastores::mysql
