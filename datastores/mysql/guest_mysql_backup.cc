#include "datastores/mysql/guest_mysql_backup.h"

#include <algorithm>
#include <sstream>

#include "common/error.h"
#include "common/proto_json.h"
#include "common/text.h"
#include "datastores/mysql/common_gtid.h"

namespace automat::datastores::mysql {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string mib(uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

}  // namespace

std::string backup_data_key(const std::string& prefix) { return prefix + "data.mbstream.zst"; }

std::string backup_manifest_key(const std::string& prefix) { return prefix + "manifest.json"; }

Checkpoints parse_checkpoints(const std::string& text) {
  Checkpoints c;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = common::trimmed(line.substr(0, eq));
    const std::string value = common::trimmed(line.substr(eq + 1));
    if (key == "backup_type") c.backup_type = value;
    if (key == "from_lsn") c.from_lsn = value;
    if (key == "to_lsn") c.to_lsn = value;
  }
  if (!all_digits(c.to_lsn)) {
    throw common::internal_error("mariadb-backup's xtrabackup_checkpoints names no to_lsn");
  }
  return c;
}

BinlogPosition parse_binlog_info(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line) && common::trimmed(line).empty()) {
  }
  BinlogPosition p;
  std::istringstream fields(line);
  std::getline(fields, p.file, '\t');
  std::getline(fields, p.position, '\t');
  std::getline(fields, p.gtid);
  p.file = common::trimmed(p.file);
  p.position = common::trimmed(p.position);
  p.gtid = common::trimmed(p.gtid);
  if (p.file.empty() || !all_digits(p.position)) {
    throw common::internal_error(
        "mariadb-backup's binlog info names no binlog file and position: '" + line.substr(0, 200) +
        "'");
  }
  if (!parse_gtid_list(p.gtid)) {
    throw common::internal_error("mariadb-backup's binlog info holds a malformed GTID list '" +
                                 p.gtid + "'");
  }
  return p;
}

void check_store_backup_job(const proto::mysql::StoreBackupJob& job) {
  if (job.key().empty()) throw common::bad_request("a backup job needs a key");
  if (job.backup_id().empty()) throw common::bad_request("a backup job needs a backup_id");
  if (job.prefix().empty() || !job.prefix().ends_with('/') ||
      !storage::prefix_can_match(job.prefix())) {
    throw common::bad_request("a backup job needs a prefix of key segments ending in '/'");
  }
  if (!job.from_lsn().empty() && !all_digits(job.from_lsn())) {
    throw common::bad_request("from_lsn must be the parent backup's to_lsn (a number)");
  }
  if (job.from_lsn().empty() != job.parent_id().empty()) {
    throw common::bad_request(
        "an incremental backup needs both parent_id and from_lsn, a full backup neither");
  }
}

void check_incremental_lsns(const std::string& from_lsn, const std::string& to_lsn) {
  if (from_lsn.empty()) return;
  // Decimal strings without leading zeros: the longer one is the larger.
  const bool below =
      to_lsn.size() != from_lsn.size() ? to_lsn.size() < from_lsn.size() : to_lsn < from_lsn;
  if (below) {
    throw common::bad_request("from_lsn " + from_lsn + " is beyond this server's LSN " + to_lsn +
                              ": the parent backup was not taken of this server");
  }
}

std::string backup_progress_message(uint64_t streamed, uint64_t estimate) {
  return "streamed " + mib(streamed) + " of about " + mib(std::max(streamed, estimate));
}

proto::BackupManifest make_backup_manifest(const proto::mysql::StoreBackupJob& job,
                                           const StreamedBackup& streamed, int64_t created_us) {
  proto::BackupManifest m;
  m.set_backup_id(job.backup_id());
  m.set_datastore("mysql");
  m.set_datastore_version(job.datastore_version());
  m.set_incremental(!job.from_lsn().empty());
  m.set_parent_id(job.parent_id());
  auto* object = m.add_objects();
  object->set_key(streamed.data.key);
  object->set_size(static_cast<int64_t>(streamed.data.size));
  object->set_sha256(streamed.data.sha256);
  m.set_size(static_cast<int64_t>(streamed.data.size));
  m.set_created_us(created_us);
  m.set_data_size(streamed.data_size);
  proto::mysql::BackupFacts facts;
  facts.set_from_lsn(streamed.from_lsn);
  facts.set_to_lsn(streamed.to_lsn);
  facts.set_format(kBackupFormat);
  facts.set_compression(kBackupCompression);
  facts.set_data_key(streamed.data.key);
  m.mutable_datastore_facts()->PackFrom(facts);
  return m;
}

std::string backup_manifest_json(const proto::BackupManifest& manifest) {
  return common::proto_json::encode(manifest).dump(2) + "\n";
}

proto::BackupManifest parse_backup_manifest(const std::string& json, const std::string& what) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw common::internal_error(what + " is not JSON");
  return common::proto_json::decode<proto::BackupManifest>(doc, what);
}

proto::mysql::BackupFacts backup_facts(const proto::BackupManifest& manifest,
                                       const std::string& what) {
  proto::mysql::BackupFacts facts;
  if (!manifest.datastore_facts().UnpackTo(&facts)) {
    throw common::bad_request(what + " is not a MySQL backup (no BackupFacts)");
  }
  if (facts.data_key().empty()) throw common::bad_request(what + " names no data object");
  return facts;
}

}  // namespace automat::datastores::mysql
