#include "datastores/mysql/guest_replication_actions.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"
#include "datastores/mysql/guest_mysql_backup.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
namespace pm = proto::mysql;

// Where the finished copy of a key is described; written last.
constexpr const char* kBackupRecord = "backup.json";
constexpr const char* kCopyDir = "copy";

// What a key's backup.json says: its copy, the copy's GTID position and
// who still holds it.
struct CopyRecord {
  std::string path;
  std::string gtid;
  std::set<std::string> holders;
};

// The key's record, if it names a copy still on disk (the record is
// written once the copy is complete).
std::optional<CopyRecord> read_record(const fs::path& key_dir) {
  const auto text = common::read_file((key_dir / kBackupRecord).string());
  if (!text) return std::nullopt;
  const auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || doc.value("format", "") != kPhysicalCopyFormat) return std::nullopt;
  CopyRecord r;
  r.path = doc.value("path", "");
  r.gtid = doc.value("gtid", "");
  if (doc.contains("holders") && doc["holders"].is_array()) {
    for (const auto& h : doc["holders"]) {
      if (h.is_string()) r.holders.insert(h.get<std::string>());
    }
  }
  if (r.path.empty() || !fs::is_directory(r.path)) {
    return std::nullopt;
  }
  return r;
}

void write_record(const fs::path& key_dir, const CopyRecord& r) {
  const nlohmann::json doc{
      {"path", r.path}, {"gtid", r.gtid}, {"format", kPhysicalCopyFormat}, {"holders", r.holders}};
  common::write_file_atomically((key_dir / kBackupRecord).string(), doc.dump(), 0600);
}

pm::Backup backup_of(const CopyRecord& r) {
  pm::Backup backup;
  backup.set_path(r.path);
  backup.set_gtid(r.gtid);
  backup.set_format(kPhysicalCopyFormat);
  return backup;
}

std::string holders_text(const std::set<std::string>& holders) {
  std::string out;
  for (const auto& h : holders) out += (out.empty() ? "" : ",") + h;
  return out;
}

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

ReplicationActions::ReplicationActions(MysqlReplication& replication, MysqlServer& server,
                                       std::string backup_area, WhileStopped while_stopped)
    : replication_(replication),
      server_(server),
      backup_area_(std::move(backup_area)),
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
  const std::string& key = req.key();
  validate_key(key);
  const fs::path dir = fs::path(backup_area_) / key;
  if (auto record = read_record(dir)) {
    // Another replica of the same batch took it already, or this is a retry.
    if (!req.holder().empty() && record->holders.insert(req.holder()).second) {
      write_record(dir, *record);
    }
    return backup_of(*record);
  }
  replication_.require_binlog("take a copy for a replica");
  remove_stale_copies(key);
  std::error_code ec;
  fs::remove_all(dir, ec);  // a partial copy of a crashed attempt, or a released one
  fs::create_directories(dir, ec);
  if (ec) throw common::internal_error("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  CopyRecord record;
  record.path = (dir / kCopyDir).string();
  try {
    record.gtid = server_.take_copy(record.path).gtid;
    if (!req.holder().empty()) record.holders.insert(req.holder());
    write_record(dir, record);  // last: the copy is complete
  } catch (...) {
    fs::remove_all(dir, ec);
    throw;
  }
  common::log::info("mysql.replication.copy_taken", {{"key", key},
                                                     {"path", record.path},
                                                     {"gtid", record.gtid},
                                                     {"holders", holders_text(record.holders)}});
  return backup_of(record);
}

void ReplicationActions::release_backup(const pm::BackupRequest& req) {
  validate_key(req.key());
  const std::string& holder = need(req.holder(), "ReleaseBackup", "holder");
  const fs::path dir = fs::path(backup_area_) / req.key();
  auto record = read_record(dir);
  if (record) {
    record->holders.erase(holder);
    if (!record->holders.empty()) {
      write_record(dir, *record);
      common::log::info(
          "mysql.replication.copy_released",
          {{"key", req.key()}, {"holder", holder}, {"holders", holders_text(record->holders)}});
      return;
    }
  }
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  fs::remove_all(dir, ec);
  if (ec) throw common::internal_error("cannot remove " + dir.string() + ": " + ec.message());
  common::log::info("mysql.replication.copy_removed", {{"key", req.key()}, {"holder", holder}});
}

void ReplicationActions::remove_stale_copies(const std::string& key) {
  std::error_code ec;
  if (!fs::is_directory(backup_area_, ec)) return;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(backup_area_, ec)) {
    if (entry.path().filename() == key) continue;
    const auto record = read_record(entry.path());
    std::error_code age_ec;
    const auto written = fs::last_write_time(entry.path() / kBackupRecord, age_ec);
    const bool held =
        record && !record->holders.empty() && !age_ec && now - written < kHeldCopyLifetime;
    if (held) continue;
    std::error_code rm_ec;
    fs::remove_all(entry.path(), rm_ec);
    common::log::info("mysql.replication.copy_removed",
                      {{"key", entry.path().filename().string()},
                       {"reason", record && !record->holders.empty() ? "abandoned" : "unheld"}});
  }
}

}  // namespace automat::datastores::mysql
