#include "datastores/mysql/guest_replication_actions.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/error.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
namespace pm = proto::mysql;

// Where the finished backup of a key is described; written last.
constexpr const char* kBackupRecord = "backup.json";

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

// Backup keys name a directory: [a-z0-9-], 1..64 characters.
void validate_key(const std::string& key) {
  const bool ok =
      !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
  if (!ok) throw common::bad_request("backup key '" + key + "' must be 1-64 of [a-z0-9-]");
}

}  // namespace

ReplicationActions::ReplicationActions(MysqlReplication& replication, std::string backup_area,
                                       std::function<void()> restart)
    : replication_(replication),
      backup_area_(std::move(backup_area)),
      restart_(std::move(restart)) {}

void ReplicationActions::restart_if(bool needed) {
  if (needed) restart_();
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
  ReplicationBackup backup;
  backup.path = need(req.backup().path(), "Follow", "backup.path");
  backup.gtid = req.backup().gtid();
  const ReplicationSource source = source_from(req.source(), "Follow");
  restart_if(replication_.apply_binlog_settings());
  replication_.restore_and_follow(backup, source);
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
  const std::string& key = req.key();
  validate_key(key);
  const fs::path dir = fs::path(backup_area_) / key;
  const fs::path record = dir / kBackupRecord;
  if (const auto text = common::read_file(record.string())) {
    const auto done = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (done.is_object() && done.value("path", "") != "" && fs::exists(done.value("path", ""))) {
      // Another replica of the same batch already asked for it.
      pm::Backup backup;
      backup.set_path(done.value("path", ""));
      backup.set_gtid(done.value("gtid", ""));
      return backup;
    }
  }
  // One backup at a time lives here: older batches' dumps go.
  std::error_code ec;
  if (fs::is_directory(backup_area_)) {
    for (const auto& entry : fs::directory_iterator(backup_area_, ec)) {
      if (entry.path().filename() != key) fs::remove_all(entry.path(), ec);
    }
  }
  const ReplicationBackup taken = replication_.take_backup(dir.string());
  common::write_file_atomically(
      record.string(), nlohmann::json{{"path", taken.path}, {"gtid", taken.gtid}}.dump(), 0600);
  pm::Backup backup;
  backup.set_path(taken.path);
  backup.set_gtid(taken.gtid);
  return backup;
}

}  // namespace automat::datastores::mysql
