#include "datastores/cassandra/workflow_cassandra_guest.h"

#include "guestclient/grpc_call.h"
#include "taskmanager/guest_job.h"

namespace automat::datastores::cassandra {

namespace pc = proto::cassandra;
using guestclient::call;
using Stub = pc::CassandraGuest::Stub;
using std::chrono::milliseconds;

CassandraGuestClient::CassandraGuestClient(guestclient::GuestLink link)
    : to_(std::move(link.to)), stub_(pc::CassandraGuest::NewStub(std::move(link.channel))) {}

pc::RingStatusReply CassandraGuestClient::ring_status(milliseconds deadline) {
  return call(to_, "RingStatus", deadline, *stub_, &Stub::RingStatus, proto::Empty());
}

proto::JobReply CassandraGuestClient::start_secure_cluster(const std::string& key,
                                                           const std::string& username,
                                                           milliseconds deadline) {
  pc::SecureClusterJob job;
  job.set_key(key);
  job.set_username(username);
  return call(to_, "StartSecureCluster", deadline, *stub_, &Stub::StartSecureCluster, job);
}

void CassandraGuestClient::store_credentials(const pc::Credentials& admin, milliseconds deadline) {
  call(to_, "StoreCredentials", deadline, *stub_, &Stub::StoreCredentials, admin);
}

std::string CassandraGuestClient::rotate_admin(const std::string& password, milliseconds deadline) {
  pc::RotateAdminRequest req;
  req.set_password(password);
  return call(to_, "RotateAdmin", deadline, *stub_, &Stub::RotateAdmin, req).username();
}

void CassandraGuestClient::update_seeds(const std::vector<std::string>& seeds,
                                        milliseconds deadline) {
  pc::UpdateSeedsRequest req;
  for (const auto& s : seeds) req.add_seeds(s);
  call(to_, "UpdateSeeds", deadline, *stub_, &Stub::UpdateSeeds, req);
}

proto::JobReply CassandraGuestClient::cleanup(const std::string& key, milliseconds deadline) {
  proto::JobRequest req;
  req.set_key(key);
  return call(to_, "Cleanup", deadline, *stub_, &Stub::Cleanup, req);
}

proto::JobReply CassandraGuestClient::decommission(const std::string& key, milliseconds deadline) {
  proto::JobRequest req;
  req.set_key(key);
  return call(to_, "Decommission", deadline, *stub_, &Stub::Decommission, req);
}

proto::JobReply CassandraGuestClient::start_snapshot(const pc::SnapshotJob& job,
                                                     milliseconds deadline) {
  return call(to_, "StartSnapshot", deadline, *stub_, &Stub::StartSnapshot, job);
}

proto::JobReply CassandraGuestClient::start_clear_snapshot(const pc::ClearSnapshotJob& job,
                                                           milliseconds deadline) {
  return call(to_, "StartClearSnapshot", deadline, *stub_, &Stub::StartClearSnapshot, job);
}

proto::JobReply CassandraGuestClient::start_upload_snapshot(const pc::UploadSnapshotJob& job,
                                                            milliseconds deadline) {
  return call(to_, "StartUploadSnapshot", deadline, *stub_, &Stub::StartUploadSnapshot, job);
}

proto::JobReply CassandraGuestClient::start_apply_schema(const pc::ApplySchemaJob& job,
                                                         milliseconds deadline) {
  return call(to_, "StartApplySchema", deadline, *stub_, &Stub::StartApplySchema, job);
}

proto::JobReply CassandraGuestClient::start_restore_snapshot(const pc::RestoreSnapshotJob& job,
                                                             milliseconds deadline) {
  return call(to_, "StartRestoreSnapshot", deadline, *stub_, &Stub::StartRestoreSnapshot, job);
}

proto::JobReply CassandraGuestClient::start_truncate_tables(const pc::TruncateTablesJob& job,
                                                            milliseconds deadline) {
  return call(to_, "StartTruncateTables", deadline, *stub_, &Stub::StartTruncateTables, job);
}

pc::PendingHintsReply CassandraGuestClient::pending_hints(milliseconds deadline) {
  return call(to_, "PendingHints", deadline, *stub_, &Stub::PendingHints, proto::Empty());
}

CassandraGuestClient cassandra_guest(taskmanager::StepContext& ctx, const std::string& id) {
  return CassandraGuestClient(ctx.services.guests->link(taskmanager::server_of(ctx, id)));
}

}  // namespace automat::datastores::cassandra
