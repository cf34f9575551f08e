#pragma once
// The Cassandra workflow's typed calls into one node's guest
// (cassandra_guest.proto), each bound by a deadline and throwing
// common::Error by meaning (guestclient/grpc_call.h). Requests may hold the
// admin password: never logged.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "datastores/cassandra/cassandra_guest.grpc.pb.h"
#include "guestclient/guest_client.h"
#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

class CassandraGuestClient {
 public:
  explicit CassandraGuestClient(guestclient::GuestLink link);

  proto::cassandra::RingStatusReply ring_status(std::chrono::milliseconds deadline);
  // Start (or find) the job under `key` securing the ring as `username`
  // (the password stays on the node); GuestClient::get_job polls it.
  proto::JobReply start_secure_cluster(const std::string& key, const std::string& username,
                                       std::chrono::milliseconds deadline);
  void store_credentials(const proto::cassandra::Credentials& admin,
                         std::chrono::milliseconds deadline);
  // Answers the admin's username.
  std::string rotate_admin(const std::string& password, std::chrono::milliseconds deadline);
  void update_seeds(const std::vector<std::string>& seeds, std::chrono::milliseconds deadline);
  // Start (or find) the job under `key`; GuestClient::get_job polls it.
  proto::JobReply cleanup(const std::string& key, std::chrono::milliseconds deadline);
  proto::JobReply decommission(const std::string& key, std::chrono::milliseconds deadline);
  // A cluster backup's phases on this node, each a job started (or found)
  // under the job's key (the upload carries the storage's secret).
  proto::JobReply start_snapshot(const proto::cassandra::SnapshotJob& job,
                                 std::chrono::milliseconds deadline);
  proto::JobReply start_clear_snapshot(const proto::cassandra::ClearSnapshotJob& job,
                                       std::chrono::milliseconds deadline);
  proto::JobReply start_upload_snapshot(const proto::cassandra::UploadSnapshotJob& job,
                                        std::chrono::milliseconds deadline);
  // A cluster restore's part on this node, each a job under job.key.
  proto::JobReply start_apply_schema(const proto::cassandra::ApplySchemaJob& job,
                                     std::chrono::milliseconds deadline);
  proto::JobReply start_restore_snapshot(const proto::cassandra::RestoreSnapshotJob& job,
                                         std::chrono::milliseconds deadline);
  proto::JobReply start_truncate_tables(const proto::cassandra::TruncateTablesJob& job,
                                        std::chrono::milliseconds deadline);
  // The hints this node holds for others (a rolling restart's wait).
  proto::cassandra::PendingHintsReply pending_hints(std::chrono::milliseconds deadline);

 private:
  guestclient::CallTarget to_;
  std::unique_ptr<proto::cassandra::CassandraGuest::Stub> stub_;
};

// The client for node `id` (its server as the compute driver records it);
// throws common::Error(kUnavailable) when the node has no server.
CassandraGuestClient cassandra_guest(taskmanager::StepContext& ctx, const std::string& id);

}  // namespace automat::datastores::cassandra
