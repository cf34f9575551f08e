#include "datastores/mysql/guest_replication_actions.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/log.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::array<const char*, 10> kActions = {
    "enable_source", "take_backup",    "follow", "follow_current",        "replication_status",
    "current_gtid",  "wait_caught_up", "detach", "drop_replication_user", "read_only"};

// Where the finished backup of a key is described; written last.
constexpr const char* kBackupRecord = "backup.json";

std::string need_string(const json& args, const std::string& action, const char* key) {
  if (!args.is_object() || !args.contains(key) || !args[key].is_string() ||
      args[key].get<std::string>().empty()) {
    throw common::bad_request("action " + action + " needs a non-empty string '" + key + "'");
  }
  return args[key].get<std::string>();
}

const json& need_object(const json& args, const std::string& action, const char* key) {
  if (!args.is_object() || !args.contains(key) || !args[key].is_object()) {
    throw common::bad_request("action " + action + " needs an object '" + key + "'");
  }
  return args[key];
}

ReplicationSource source_from(const json& args, const std::string& action) {
  const json& s = need_object(args, action, "source");
  ReplicationSource source;
  source.address = need_string(s, action, "address");
  source.user = need_string(s, action, "user");
  source.password = need_string(s, action, "password");
  if (s.contains("port")) {
    if (!s["port"].is_number_integer()) throw common::bad_request("source port must be a number");
    source.port = s["port"].get<int>();
  }
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

json health_json(const std::optional<proto::ReplicationHealth>& health) {
  if (!health) return {{"replicating", false}};
  return {{"replicating", true},
          {"io_running", health->io_running()},
          {"sql_running", health->sql_running()},
          {"seconds_behind", health->seconds_behind()},
          {"last_error", health->last_error()}};
}

ReplicationActions::ReplicationActions(MysqlReplication& replication, std::string backup_area,
                                       std::function<void()> restart)
    : replication_(replication),
      backup_area_(std::move(backup_area)),
      restart_(std::move(restart)) {}

bool ReplicationActions::knows(const std::string& action) {
  return std::find(kActions.begin(), kActions.end(), action) != kActions.end();
}

void ReplicationActions::restart_if(bool needed) {
  if (needed) restart_();
}

json ReplicationActions::run(const std::string& action, const json& args) {
  if (action == "enable_source") {
    const SourceSetup setup = replication_.enable_source(need_string(args, action, "user"));
    restart_if(setup.restart_needed);
    return {{"user", setup.user.name}, {"password", setup.user.password}};
  }
  if (action == "take_backup") return take_backup(need_string(args, action, "key"));
  if (action == "follow") {
    const json& b = need_object(args, action, "backup");
    ReplicationBackup backup;
    backup.path = need_string(b, action, "path");
    backup.gtid = b.contains("gtid") && b["gtid"].is_string() ? b["gtid"].get<std::string>() : "";
    const ReplicationSource source = source_from(args, action);
    restart_if(replication_.apply_binlog_settings());
    replication_.restore_and_follow(backup, source);
    return json::object();
  }
  if (action == "follow_current") {
    const ReplicationSource source = source_from(args, action);
    restart_if(replication_.apply_binlog_settings());
    replication_.follow_from_current_position(source);
    return json::object();
  }
  if (action == "replication_status") return health_json(replication_.health());
  if (action == "current_gtid") return {{"gtid", replication_.current_gtid()}};
  if (action == "wait_caught_up") {
    if (!args.is_object() || !args.contains("gtid") || !args["gtid"].is_string()) {
      throw common::bad_request("action wait_caught_up needs a string 'gtid'");
    }
    const std::string gtid = args["gtid"].get<std::string>();
    int timeout = args.value("timeout_seconds", 60);
    timeout = std::clamp(timeout, 0, 600);
    const bool done = replication_.wait_caught_up(
        gtid, std::chrono::steady_clock::now() + std::chrono::seconds(timeout));
    return {{"caught_up", done}};
  }
  if (action == "detach") {
    replication_.detach();
    return json::object();
  }
  if (action == "drop_replication_user") {
    replication_.drop_replication_user(need_string(args, action, "user"));
    return json::object();
  }
  if (action == "read_only") {
    if (!args.is_object() || !args.contains("on") || !args["on"].is_boolean()) {
      throw common::bad_request("action read_only needs a boolean 'on'");
    }
    replication_.make_read_only(args["on"].get<bool>());
    return json::object();
  }
  throw common::bad_request("the mysql guest has no action '" + action + "'");
}

json ReplicationActions::take_backup(const std::string& key) {
  validate_key(key);
  const fs::path dir = fs::path(backup_area_) / key;
  const fs::path record = dir / kBackupRecord;
  if (fs::exists(record)) {
    std::ifstream in(record);
    json done = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (done.is_object() && done.contains("path") && fs::exists(done["path"].get<std::string>())) {
      return done;  // another replica of the same batch already asked for it
    }
  }
  // One backup at a time lives here: older batches' dumps go.
  std::error_code ec;
  if (fs::is_directory(backup_area_)) {
    for (const auto& entry : fs::directory_iterator(backup_area_, ec)) {
      if (entry.path().filename() != key) fs::remove_all(entry.path(), ec);
    }
  }
  const ReplicationBackup backup = replication_.take_backup(dir.string());
  const json done = {{"path", backup.path}, {"gtid", backup.gtid}};
  const fs::path partial = dir / (std::string(kBackupRecord) + ".partial");
  {
    std::ofstream out(partial, std::ios::trunc);
    out << done.dump();
    if (!out.flush()) throw common::internal_error("cannot write " + partial.string());
  }
  fs::rename(partial, record, ec);
  if (ec) throw common::internal_error("cannot write " + record.string() + ": " + ec.message());
  return done;
}

}  // namespace automat::datastores::mysql
