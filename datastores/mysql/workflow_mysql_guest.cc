#include "datastores/mysql/workflow_mysql_guest.h"

#include "common/error.h"
#include "guestclient/grpc_call.h"
#include "taskmanager/guest_job.h"

namespace automat::datastores::mysql {

namespace pm = proto::mysql;
using guestclient::call;
using Stub = pm::MysqlGuest::Stub;
using ms = MysqlGuestClient::ms;

MysqlGuestClient::MysqlGuestClient(guestclient::GuestLink link)
    : to_(std::move(link.to)), stub_(pm::MysqlGuest::NewStub(std::move(link.channel))) {}

pm::ReplicationLogin MysqlGuestClient::enable_source(const std::string& user, ms deadline) {
  pm::ReplicationUserRequest req;
  req.set_user(user);
  return call(to_, "EnableSource", deadline, *stub_, &Stub::EnableSource, req);
}

proto::JobReply MysqlGuestClient::start_take_seed_copy(const std::string& job_key,
                                                       const std::string& copy_key,
                                                       const std::string& holder, ms deadline) {
  pm::TakeSeedCopyJob job;
  job.set_key(job_key);
  job.mutable_copy()->set_key(copy_key);
  job.mutable_copy()->set_holder(holder);
  return call(to_, "StartTakeSeedCopy", deadline, *stub_, &Stub::StartTakeSeedCopy, job);
}

void MysqlGuestClient::release_backup(const std::string& key, const std::string& holder,
                                      ms deadline) {
  pm::BackupRequest req;
  req.set_key(key);
  req.set_holder(holder);
  call(to_, "ReleaseBackup", deadline, *stub_, &Stub::ReleaseBackup, req);
}

proto::JobReply MysqlGuestClient::start_follow(const std::string& job_key, const pm::Backup& backup,
                                               const pm::Source& source, ms deadline) {
  pm::FollowJob job;
  job.set_key(job_key);
  *job.mutable_follow()->mutable_backup() = backup;
  *job.mutable_follow()->mutable_source() = source;
  return call(to_, "StartFollow", deadline, *stub_, &Stub::StartFollow, job);
}

void MysqlGuestClient::follow_current(const pm::Source& source, ms deadline) {
  pm::FollowCurrentRequest req;
  *req.mutable_source() = source;
  call(to_, "FollowCurrent", deadline, *stub_, &Stub::FollowCurrent, req);
}

pm::ReplicationStatusReply MysqlGuestClient::replication_status(ms deadline) {
  return call(to_, "ReplicationStatus", deadline, *stub_, &Stub::ReplicationStatus, proto::Empty());
}

std::string MysqlGuestClient::current_gtid(ms deadline) {
  return call(to_, "CurrentGtid", deadline, *stub_, &Stub::CurrentGtid, proto::Empty()).gtid();
}

bool MysqlGuestClient::wait_caught_up(const std::string& gtid, int timeout_seconds, ms deadline) {
  pm::WaitCaughtUpRequest req;
  req.set_gtid(gtid);
  req.set_timeout_seconds(timeout_seconds);
  return call(to_, "WaitCaughtUp", deadline, *stub_, &Stub::WaitCaughtUp, req).caught_up();
}

void MysqlGuestClient::detach(ms deadline) {
  call(to_, "Detach", deadline, *stub_, &Stub::Detach, proto::Empty());
}

void MysqlGuestClient::drop_replication_user(const std::string& user, ms deadline) {
  pm::ReplicationUserRequest req;
  req.set_user(user);
  call(to_, "DropReplicationUser", deadline, *stub_, &Stub::DropReplicationUser, req);
}

void MysqlGuestClient::set_read_only(bool on, ms deadline) {
  pm::ReadOnlyRequest req;
  req.set_on(on);
  call(to_, "SetReadOnly", deadline, *stub_, &Stub::SetReadOnly, req);
}

proto::JobReply MysqlGuestClient::start_store_backup(const pm::StoreBackupJob& job, ms deadline) {
  return call(to_, "StartStoreBackup", deadline, *stub_, &Stub::StartStoreBackup, job);
}

pm::Backup seed_copy_of(const std::string& job_result) {
  pm::Backup copy;
  if (!copy.ParseFromString(job_result) || copy.path().empty()) {
    throw common::internal_error("the master's guest finished its copy but answered none");
  }
  return copy;
}

MysqlGuestClient mysql_guest(taskmanager::StepContext& ctx, const std::string& id) {
  return MysqlGuestClient(ctx.services.guests->link(taskmanager::server_of(ctx, id)));
}

}  // namespace automat::datastores::mysql
