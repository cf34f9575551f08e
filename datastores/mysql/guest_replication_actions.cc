#include "datastores/mysql/guest_replication_actions.h"

#include <algorithm>

#include "common/error.h"
#include "datastores/mysql/guest_mysql_backup.h"

namespace automat::datastores::mysql {
namespace {

namespace pm = proto::mysql;

const std::string& need(const std::string& value, const char* call, const char* field) {
  if (value.empty()) {
    throw common::bad_request(std::string(call) + " needs a non-empty '" + field + "'");
  }
  return value;
}

ReplicationSource source_from(const pm::Source& s, const char* call) {
  ReplicationSource source;
  source.address = need(s.address(), call, "source.address");
  source.user = need(s.user(), call, "source.user");
  source.password = need(s.password(), call, "source.password");
  if (s.port() != 0) source.port = s.port();
  validate_source(source);
  return source;
}

}  // namespace

ReplicationActions::ReplicationActions(MysqlReplication& replication, MysqlServer& server,
                                       SeedCopies& copies, WhileStopped while_stopped)
    : replication_(replication),
      server_(server),
      copies_(copies),
      while_stopped_(std::move(while_stopped)) {}

void ReplicationActions::restart_if(bool needed) {
  if (needed) while_stopped_([] {});
}

pm::ReplicationLogin ReplicationActions::enable_source(const pm::ReplicationUserRequest& req) {
  const SourceSetup setup = replication_.enable_source(need(req.user(), "EnableSource", "user"));
  restart_if(setup.restart_needed);
  pm::ReplicationLogin login;
  login.set_user(setup.user.name);
  login.set_password(setup.user.password);
  return login;
}

void ReplicationActions::follow(const pm::FollowRequest& req) {
  const std::string& dir = need(req.backup().path(), "Follow", "backup.path");
  if (req.backup().format() != kPhysicalCopyFormat) {
    throw common::bad_request("Follow takes a physical copy (format '" +
                              std::string(kPhysicalCopyFormat) + "'); " + dir +
                              " is a dump of an older guest: take the backup again");
  }
  const std::string& gtid = req.backup().gtid();
  validate_gtid_list(gtid);
  const ReplicationSource source = source_from(req.source(), "Follow");
  // It comes back up with binary logging and read-only: nothing but
  // replication writes to it from its first moment.
  replication_.write_replica_settings();
  while_stopped_([&] { server_.replace_data(dir); });
  replication_.follow_from_copy(gtid, source);
}

void ReplicationActions::follow_current(const pm::FollowCurrentRequest& req) {
  const ReplicationSource source = source_from(req.source(), "FollowCurrent");
  restart_if(replication_.apply_binlog_settings());
  replication_.follow_from_current_position(source);
}

pm::ReplicationStatusReply ReplicationActions::replication_status() {
  pm::ReplicationStatusReply reply;
  const auto health = replication_.health();
  reply.set_replicating(health.has_value());
  if (health) {
    reply.set_io_running(health->io_running());
    reply.set_sql_running(health->sql_running());
    reply.set_seconds_behind(health->seconds_behind());
    reply.set_last_error(health->last_error());
  }
  return reply;
}

pm::Gtid ReplicationActions::current_gtid() {
  pm::Gtid gtid;
  gtid.set_gtid(replication_.current_gtid());
  return gtid;
}

pm::WaitCaughtUpReply ReplicationActions::wait_caught_up(const pm::WaitCaughtUpRequest& req) {
  const int timeout = std::clamp(req.timeout_seconds(), 0, 600);
  pm::WaitCaughtUpReply reply;
  reply.set_caught_up(replication_.wait_caught_up(
      req.gtid(), std::chrono::steady_clock::now() + std::chrono::seconds(timeout)));
  return reply;
}

void ReplicationActions::detach() { replication_.detach(); }

void ReplicationActions::drop_replication_user(const pm::ReplicationUserRequest& req) {
  replication_.drop_replication_user(need(req.user(), "DropReplicationUser", "user"));
}

void ReplicationActions::set_read_only(bool on) { replication_.make_read_only(on); }

pm::Backup ReplicationActions::take_backup(const pm::BackupRequest& req) {
  const SeedCopies::Copy copy =
      copies_.take(req.key(), req.holder(), [this](const std::string& dir) {
        replication_.require_binlog("take a copy for a replica");
        return server_.take_copy(dir);
      });
  pm::Backup backup;
  backup.set_path(copy.path);
  backup.set_gtid(copy.gtid);
  backup.set_format(kPhysicalCopyFormat);
  return backup;
}

void ReplicationActions::release_backup(const pm::BackupRequest& req) {
  copies_.release(req.key(), req.holder());
}

}  // namespace automat::datastores::mysql
