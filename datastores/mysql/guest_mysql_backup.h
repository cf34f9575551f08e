#pragma once
// What a MySQL backup is, apart from how it is taken: its object keys, the
// LSNs mariadb-backup writes in xtrabackup_checkpoints, and the manifest
// (automat.proto.BackupManifest with BackupFacts) written last under its
// prefix. Pure functions; the OS work is in guest_mariadb_backup.h.
#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "automat/backup.pb.h"
#include "datastores/mysql/mysql_guest.pb.h"
#include "storage/backup_storage.h"

namespace automat::datastores::mysql {

inline constexpr const char* kBackupFormat = "mbstream";
inline constexpr const char* kBackupCompression = "zstd";
// proto::mysql::Backup.format of a replica's seed: a prepared mariadb-backup
// copy in a directory of the source's host.
inline constexpr const char* kPhysicalCopyFormat = "physical";
// The file of a mariadb-backup copy naming the binlog position it holds:
// its name in newer MariaDB releases, then the one 10.11 writes.
inline constexpr std::array<const char*, 2> kBinlogInfoFiles = {"mariadb_backup_binlog_info",
                                                                "xtrabackup_binlog_info"};

// <prefix>data.mbstream.zst: the compressed mbstream of the backup.
std::string backup_data_key(const std::string& prefix);
// <prefix>manifest.json: written after everything else.
std::string backup_manifest_key(const std::string& prefix);

// What mariadb-backup's --extra-lsndir/xtrabackup_checkpoints says.
struct Checkpoints {
  std::string backup_type;  // "full-backuped", "incremental", ...
  std::string from_lsn;
  std::string to_lsn;
};

// Parses xtrabackup_checkpoints ("key = value" lines). Throws
// common::Error(kInternal) when to_lsn is missing or not a number.
Checkpoints parse_checkpoints(const std::string& text);

// The binlog position a mariadb-backup copy is consistent with, as its
// kBinlogInfoFiles says: "<file>\t<position>\t<GTID list>".
struct BinlogPosition {
  std::string file;      // "mysql-bin.000003"
  std::string position;  // a byte offset in `file`
  std::string gtid;      // "" when the source had written no GTID yet
};

// Parses that file (its first line; the GTID field may be
// empty or missing). Throws common::Error(kInternal) when the file or the
// position is missing or the GTID list is malformed.
BinlogPosition parse_binlog_info(const std::string& text);

// Throws common::Error(kBadRequest) naming the field unless `job` can be
// taken: key, backup_id and a prefix ending in '/' present; from_lsn
// digits; an incremental (from_lsn set) names its parent_id and a full
// backup none.
void check_store_backup_job(const proto::mysql::StoreBackupJob& job);

// mariadb-backup accepts any --incremental-lsn, also one the server never
// reached (a parent taken of another server), and then stores nothing
// usable. Throws common::Error(kBadRequest) when `to_lsn` is below a
// non-empty `from_lsn` (both decimal numbers).
void check_incremental_lsns(const std::string& from_lsn, const std::string& to_lsn);

// A backup stream once stored: its object and the LSNs it spans.
struct StreamedBackup {
  storage::ObjectInfo data;
  std::string from_lsn;  // "" for a full backup
  std::string to_lsn;
  int64_t data_size = 0;  // bytes of the data dir when the backup began
};

// Called while a backup streams: bytes of the uncompressed stream so far
// and an estimate of its total (the data dir's size).
using BackupProgress = std::function<void(uint64_t streamed, uint64_t estimate)>;

// "streamed 120 MiB of about 400 MiB".
std::string backup_progress_message(uint64_t streamed, uint64_t estimate);

// The manifest of `job` once `streamed` was stored.
proto::BackupManifest make_backup_manifest(const proto::mysql::StoreBackupJob& job,
                                           const StreamedBackup& streamed, int64_t created_us);

// The manifest as stored (protobuf's JSON mapping) and back. Parsing throws
// common::Error(kInternal) naming `what` when the text is not a manifest.
std::string backup_manifest_json(const proto::BackupManifest& manifest);
proto::BackupManifest parse_backup_manifest(const std::string& json, const std::string& what);

// The BackupFacts packed in a MySQL manifest. Throws common::Error
// (kBadRequest) naming `what` when it holds none (not a MySQL backup) or no
// data_key.
proto::mysql::BackupFacts backup_facts(const proto::BackupManifest& manifest,
                                       const std::string& what);

}  // namespace automat::datastores::mysql
