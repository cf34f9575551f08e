#pragma once
// A Cassandra node's part of a cluster backup (issue 12, section 4), apart
// from nodetool and CQL: which snapshot files a backup takes, where each is
// stored, and storing them. SSTables are immutable, so a file is stored once
// per node under a key naming its SHA-256
// (<pool><keyspace>/<table>/<sha256>/<name>); a later backup of the node
// finds it there (same size and checksum) and only references it. The
// node's manifest (NodeBackupManifest) goes last.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "datastores/cassandra/cassandra_guest.pb.h"
#include "storage/backup_storage.h"
#include "storage/throttle.h"

namespace automat::datastores::cassandra {

// Throws common::Error(kBadRequest) unless `tag` is 1..64 of [A-Za-z0-9_-].
void validate_snapshot_tag(const std::string& tag);

// What a backup takes: whole keyspaces ("ks") and single tables
// ("ks.table"); nothing named: every keyspace but Cassandra's own.
class TableSelection {
 public:
  // Throws common::Error(kBadRequest) naming a bad entry (not a valid
  // keyspace/table name, or a system keyspace).
  static TableSelection parse(const std::vector<std::string>& entries);
  bool all() const { return keyspaces_.empty(); }
  // The keyspaces to snapshot (each named one once); empty when all().
  std::vector<std::string> keyspaces() const;
  bool selects(const std::string& keyspace, const std::string& table) const;
  // Whether some table of `keyspace` is taken (its schema goes along).
  bool takes_keyspace(const std::string& keyspace) const;

 private:
  // keyspace -> its named tables; an empty set: every table.
  std::map<std::string, std::set<std::string>> keyspaces_;
};

struct LocalSnapshotFile {
  std::string keyspace;
  std::string table;
  std::string name;  // path inside the table's snapshot directory
  std::string path;  // absolute
  uint64_t size = 0;
};

// The table of a table directory's name ("kv-5f3c0a..." -> "kv").
std::string table_of_directory(const std::string& directory);

// Every regular file of snapshot `tag` under `data_dir`
// (<data_dir>/<ks>/<table>-<id>/snapshots/<tag>/...) that `selection`
// takes, Cassandra's own keyspaces left out, sorted by keyspace, table, name.
std::vector<LocalSnapshotFile> snapshot_files(const std::string& data_dir, const std::string& tag,
                                              const TableSelection& selection);
// Whether any table directory under `data_dir` holds snapshot `tag`.
bool snapshot_exists(const std::string& data_dir, const std::string& tag);

// <pool><keyspace>/<table>/<sha256>/<name>.
std::string pool_key(const std::string& pool, const LocalSnapshotFile& file,
                     const std::string& sha256);

// Lower-case hex SHA-256 of the file at `path`; throws common::Error
// (kInternal) when it cannot be read.
std::string file_sha256(const std::string& path);

// Called as files are stored: bytes done (stored or found stored) of the total.
using UploadProgress = std::function<void(uint64_t done, uint64_t total)>;

// Stores `files` under `pool` with `concurrency` threads (1..16): each
// file is hashed, and put only when the pool lacks an object of that key,
// size and checksum. Answers the files as stored (in `files`' order) with
// the bytes sent. Throws the first error (common::Error) once the threads
// stopped; `stop` true also stops them (kUnavailable). With a `throttle`,
// every byte sent is first granted by it (all threads share its rate).
struct StoredSnapshot {
  std::vector<proto::cassandra::SnapshotFile> files;
  uint64_t total_bytes = 0;
  uint64_t uploaded_bytes = 0;
};
StoredSnapshot store_snapshot_files(storage::BackupStorage& storage,
                                    const std::vector<LocalSnapshotFile>& files,
                                    const std::string& pool, int concurrency,
                                    const UploadProgress& progress,
                                    const std::function<bool()>& stop = {},
                                    storage::Throttle* throttle = nullptr);

// <prefix>manifest.json.
std::string node_manifest_key(const std::string& prefix);

// The files of a source node's manifest a restore loads: the SSTable
// components of the selected tables (a secondary index's files, in a
// subdirectory, are rebuilt by Cassandra instead; the snapshot's own
// manifest.json and schema.cql are not SSTables).
std::vector<proto::cassandra::SnapshotFile> restore_files(
    const proto::cassandra::NodeBackupManifest& manifest, const TableSelection& selection);

// `statement` (one of a KeyspaceSchema's) made harmless to apply twice:
// CREATE <KEYSPACE|TABLE|TYPE|INDEX|CUSTOM INDEX|MATERIALIZED VIEW|FUNCTION|
// AGGREGATE> gains IF NOT EXISTS unless it has it. Anything but such a
// CREATE is refused (kBadRequest): a restore only ever creates.
std::string idempotent_create(const std::string& statement);

// Throws common::Error(kBadRequest) naming the field unless `job` can be
// run: key, backup_id, a valid tag, prefix and pool of key segments ending
// in '/', concurrency 0..16, a valid selection.
void check_upload_job(const proto::cassandra::UploadSnapshotJob& job);
// The same for a restore job: key, backup_id, a manifest key, a valid selection.
void check_restore_job(const proto::cassandra::RestoreSnapshotJob& job);

}  // namespace automat::datastores::cassandra
