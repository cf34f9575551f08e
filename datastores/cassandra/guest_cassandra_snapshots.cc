// A Cassandra node's part of a cluster backup (cassandra_guest.proto's
// StartSnapshot, StartUploadSnapshot, StartClearSnapshot) on CassandraManager; the
// file work is in guest_cassandra_backup.h. The storage target carries a
// secret: never logged.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "datastores/cassandra/guest_cassandra_auth.h"
#include "datastores/cassandra/guest_cassandra_backup.h"
#include "datastores/cassandra/guest_cassandra_manager.h"
#include "storage/storage_target.h"

namespace automat::datastores::cassandra {
namespace {

namespace fs = std::filesystem;

// nodetool snapshot flushes every memtable first: long on a busy node.
constexpr auto kSnapshotTimeout = std::chrono::minutes(10);
constexpr auto kClearTimeout = std::chrono::minutes(2);
constexpr int kDefaultConcurrency = 4;

std::string mib(uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

TableSelection selection_of(const google::protobuf::RepeatedPtrField<std::string>& entries) {
  return TableSelection::parse(std::vector<std::string>(entries.begin(), entries.end()));
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void CassandraManager::check_snapshot(const proto::cassandra::SnapshotJob& job) {
  validate_snapshot_tag(job.tag());
  (void)selection_of(job.keyspaces());
}

void CassandraManager::snapshot(const proto::cassandra::SnapshotJob& req) {
  check_snapshot(req);
  const TableSelection selection = selection_of(req.keyspaces());
  std::lock_guard<std::mutex> one_at_a_time(snapshot_mu_);
  if (snapshot_exists(layout_.data_dir, req.tag())) return;  // taken by an earlier job
  if (server_->health() != CassandraServer::Health::kAnswering) {
    throw common::conflict("the Cassandra node " + instance_id_ +
                           " is not running: it cannot take a snapshot");
  }
  std::vector<std::string> args = {"snapshot", "-t", req.tag()};
  for (const auto& ks : selection.keyspaces()) args.push_back(ks);
  server_->nodetool(args, kSnapshotTimeout);
  common::log::info("cassandra.snapshot_taken", {{"instance", instance_id_}, {"tag", req.tag()}});
}

void CassandraManager::clear_snapshot(const std::string& tag) {
  validate_snapshot_tag(tag);
  // After a snapshot of the tag being taken, never in its middle.
  std::lock_guard<std::mutex> one_at_a_time(snapshot_mu_);
  if (!snapshot_exists(layout_.data_dir, tag)) return;
  if (server_->health() == CassandraServer::Health::kDown) {
    // No JVM holds the hard links: removing the directories is all a
    // clearsnapshot does.
    std::error_code ec;
    for (fs::directory_iterator ks(layout_.data_dir, ec), end; !ec && ks != end; ks.increment(ec)) {
      std::error_code inner;
      for (fs::directory_iterator t(ks->path(), inner); !inner && t != end; t.increment(inner)) {
        std::error_code ignored;
        fs::remove_all(t->path() / "snapshots" / tag, ignored);
      }
    }
  } else {
    server_->nodetool({"clearsnapshot", "-t", tag}, kClearTimeout);
  }
  common::log::info("cassandra.snapshot_cleared", {{"instance", instance_id_}, {"tag", tag}});
}

namespace {

// The node's manifest of this job's backup, when a run of the job stored it
// already (and then cleared the snapshot).
std::optional<proto::cassandra::NodeBackupManifest> stored_manifest(
    const proto::cassandra::UploadSnapshotJob& job) {
  if (!job.clear_after()) return std::nullopt;
  auto storage = storage::make_backup_storage(job.storage());
  const std::string key = node_manifest_key(job.prefix());
  if (!storage->head(key)) return std::nullopt;
  std::ostringstream text;
  storage->get(key, text);
  const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  auto manifest = common::proto_json::decode<proto::cassandra::NodeBackupManifest>(doc, key);
  if (manifest.backup_id() != job.backup_id()) return std::nullopt;
  return manifest;
}

std::string job_result(uint64_t total, uint64_t uploaded, size_t files) {
  return nlohmann::json{{"total_bytes", total}, {"uploaded_bytes", uploaded}, {"files", files}}
      .dump();
}

}  // namespace

void CassandraManager::check_upload_snapshot(const proto::cassandra::UploadSnapshotJob& job) {
  check_upload_job(job);
  if (!snapshot_exists(layout_.data_dir, job.tag()) && !stored_manifest(job)) {
    throw common::conflict("the Cassandra node " + instance_id_ + " holds no snapshot " +
                           job.tag() + " to store");
  }
}

std::string CassandraManager::upload_snapshot(const proto::cassandra::UploadSnapshotJob& job,
                                              guestagent::JobContext& jc) {
  check_upload_job(job);
  if (!snapshot_exists(layout_.data_dir, job.tag())) {
    // A run of this job stored the node's part and cleared the snapshot.
    if (const auto done = stored_manifest(job)) {
      return job_result(static_cast<uint64_t>(done->total_bytes()),
                        static_cast<uint64_t>(done->uploaded_bytes()),
                        static_cast<size_t>(done->files_size()));
    }
    throw common::conflict("the Cassandra node " + instance_id_ + " holds no snapshot " +
                           job.tag() + " to store");
  }
  const TableSelection selection = selection_of(job.keyspaces());
  proto::cassandra::NodeBackupManifest manifest;
  manifest.set_backup_id(job.backup_id());
  manifest.set_instance_id(instance_id_);
  manifest.set_address(address_);
  {
    // What a restore needs besides the files: where the node stood in the
    // ring and the schema of what it holds.
    auto session = login_until(*server_, admin_login(), kCqlLoginTimeout, *timing_.clock);
    const auto local = session->execute("SELECT tokens, rack, data_center FROM system.local");
    if (local.rows.empty()) throw common::internal_error("system.local has no row");
    const auto& row = local.rows.front();
    const auto tokens = nlohmann::json::parse(row[local.column("tokens")].value_or("[]"));
    for (const auto& t : tokens) manifest.add_tokens(t.get<std::string>());
    manifest.set_rack(row[local.column("rack")].value_or(""));
    manifest.set_dc(row[local.column("data_center")].value_or(""));
    const proto::cassandra::KeyspaceList keyspaces = keyspace_list(*session);
    for (const auto& ks : keyspaces.keyspaces()) {
      if (!selection.takes_keyspace(ks.name())) continue;
      manifest.add_keyspaces(ks.name());
      auto* schema = manifest.add_schema();
      schema->set_keyspace(ks.name());
      const auto described =
          session->execute("DESCRIBE KEYSPACE " + cql::quote_identifier(ks.name()));
      const size_t col = described.column("create_statement");
      for (const auto& r : described.rows) {
        if (r[col]) schema->add_statements(*r[col]);
      }
    }
  }
  const auto files = snapshot_files(layout_.data_dir, job.tag(), selection);
  auto storage = storage::make_backup_storage(job.storage());
  std::optional<storage::Throttle> throttle;
  if (job.max_bytes_per_second() > 0) {
    throttle.emplace(static_cast<uint64_t>(job.max_bytes_per_second()));
  }
  const StoredSnapshot stored = store_snapshot_files(
      *storage, files, job.pool(), job.concurrency() ? job.concurrency() : kDefaultConcurrency,
      [&](uint64_t done, uint64_t total) {
        jc.progress(total ? double(done) / double(total) : 1.0,
                    "stored " + mib(done) + " of " + mib(total));
      },
      [&] { return jc.stopping(); }, throttle ? &*throttle : nullptr);
  // A node whose JVM died meanwhile fails its part: the backup must not
  // complete with a node that is down.
  if (server_->health() == CassandraServer::Health::kDown) {
    throw common::conflict("the Cassandra JVM of node " + instance_id_ +
                           " stopped during the backup");
  }
  for (const auto& f : stored.files) *manifest.add_files() = f;
  manifest.set_total_bytes(static_cast<int64_t>(stored.total_bytes));
  manifest.set_uploaded_bytes(static_cast<int64_t>(stored.uploaded_bytes));
  manifest.set_created_us(now_us());
  const std::string text = common::proto_json::encode(manifest).dump(1) + "\n";
  std::istringstream in(text);
  storage->put(node_manifest_key(job.prefix()), in);
  common::log::info("cassandra.snapshot_stored",
                    {{"instance", instance_id_},
                     {"tag", job.tag()},
                     {"files", std::to_string(stored.files.size())},
                     {"bytes", std::to_string(stored.total_bytes)},
                     {"uploaded", std::to_string(stored.uploaded_bytes)}});
  // Phase 3 on this node now, while the others may still be storing.
  if (job.clear_after()) clear_snapshot(job.tag());
  return job_result(stored.total_bytes, stored.uploaded_bytes, stored.files.size());
}

void CassandraManager::check_apply_schema(const proto::cassandra::ApplySchemaJob& job) {
  if (job.key().empty()) throw common::bad_request("a schema job needs a key");
  for (const auto& s : job.statements()) idempotent_create(s);
  if (server_->health() != CassandraServer::Health::kAnswering) {
    throw common::unavailable("the Cassandra node " + instance_id_ + " is not answering CQL yet");
  }
}

std::string CassandraManager::apply_schema(const proto::cassandra::ApplySchemaJob& job,
                                           guestagent::JobContext& jc) {
  std::vector<std::string> plan;
  for (const auto& s : job.statements()) plan.push_back(idempotent_create(s));
  auto session = login_until(*server_, admin_login(), kCqlLoginTimeout, *timing_.clock);
  size_t applied = 0;
  for (const auto& s : plan) {
    if (jc.stopping()) throw common::unavailable("the schema's creation was stopped");
    session->execute(s, cql::Consistency::kQuorum);
    ++applied;
    jc.progress(double(applied) / double(plan.size()),
                "created " + std::to_string(applied) + " of " + std::to_string(plan.size()));
  }
  common::log::info("cassandra.schema_applied",
                    {{"instance", instance_id_}, {"statements", std::to_string(plan.size())}});
  return nlohmann::json({{"statements", plan.size()}}).dump();
}

void CassandraManager::check_restore_snapshot(const proto::cassandra::RestoreSnapshotJob& job) {
  check_restore_job(job);
  if (server_->health() != CassandraServer::Health::kAnswering) {
    throw common::unavailable("the Cassandra node " + instance_id_ + " is not answering CQL yet");
  }
}

std::string CassandraManager::restore_snapshot(const proto::cassandra::RestoreSnapshotJob& job,
                                               guestagent::JobContext& jc) {
  using Mode = proto::cassandra::RestoreSnapshotJob;
  check_restore_job(job);
  // The backup's files wait here between a restore in place's fetch and
  // its import.
  const fs::path staging = fs::path(layout_.root) / ("restore-" + job.backup_id());
  struct StagingGuard {
    fs::path dir;
    bool keep = false;
    ~StagingGuard() {
      std::error_code ignored;
      if (!keep) fs::remove_all(dir, ignored);
    }
  } guard{staging};
  if (job.mode() == Mode::DISCARD) return "{}";

  std::map<std::pair<std::string, std::string>, fs::path> tables;
  uint64_t total = 0;
  size_t file_count = 0;
  if (job.mode() == Mode::IMPORT) {
    std::error_code ec;
    if (!fs::is_directory(staging, ec)) {
      guard.keep = true;
      throw common::conflict("node " + instance_id_ + " holds no fetched files of backup " +
                             job.backup_id() + "; fetch them first");
    }
    for (fs::directory_iterator ks(staging, ec), end; !ec && ks != end; ks.increment(ec)) {
      std::error_code inner;
      for (fs::directory_iterator t(ks->path(), inner); !inner && t != end; t.increment(inner)) {
        tables[{ks->path().filename().string(), t->path().filename().string()}] = t->path();
      }
    }
  } else {
    const TableSelection selection = selection_of(job.keyspaces());
    auto storage = storage::make_backup_storage(job.storage());
    std::ostringstream text;
    try {
      storage->get(job.manifest_key(), text);
    } catch (const storage::ObjectNotFound&) {
      throw common::bad_request("the backup has no node manifest " + job.manifest_key());
    }
    const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded()) throw common::internal_error(job.manifest_key() + " is not JSON");
    const auto manifest =
        common::proto_json::decode<proto::cassandra::NodeBackupManifest>(doc, job.manifest_key());
    if (manifest.backup_id() != job.backup_id()) {
      throw common::bad_request(job.manifest_key() + " belongs to backup " + manifest.backup_id());
    }
    const auto files = restore_files(manifest, selection);
    file_count = files.size();
    for (const auto& f : files) total += static_cast<uint64_t>(f.size());
    std::error_code ec;
    fs::remove_all(staging, ec);  // left by an earlier attempt
    uint64_t done = 0;
    const double share = job.mode() == Mode::FETCH ? 1.0 : 0.9;
    for (const auto& f : files) {
      if (jc.stopping()) throw common::unavailable("the restore was stopped");
      const fs::path dir = staging / f.keyspace() / f.table();
      fs::create_directories(dir);
      tables[{f.keyspace(), f.table()}] = dir;
      const auto got = storage::get_file(*storage, f.key(), (dir / f.name()).string());
      if (static_cast<int64_t>(got.size) != f.size() || got.sha256 != f.sha256()) {
        throw common::internal_error(f.key() + " is not the file the backup recorded");
      }
      done += got.size;
      jc.progress(total ? share * double(done) / double(total) : share,
                  "fetched " + mib(done) + " of " + mib(total));
    }
    if (job.mode() == Mode::FETCH) {
      guard.keep = true;
      common::log::info("cassandra.backup_fetched", {{"instance", instance_id_},
                                                     {"backup", job.backup_id()},
                                                     {"files", std::to_string(file_count)},
                                                     {"bytes", std::to_string(total)}});
      return nlohmann::json({{"bytes", total}, {"files", file_count}}).dump();
    }
  }

  auto session = login_until(*server_, admin_login(), kCqlLoginTimeout, *timing_.clock);
  size_t imported = 0;
  for (const auto& [table, dir] : tables) {
    const auto& [ks, name] = table;
    // The schema was applied through another node: wait until it is here.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    for (;;) {
      const auto rs = session->execute(
          "SELECT table_name FROM system_schema.tables WHERE keyspace_name = " +
          cql::quote_literal(ks) + " AND table_name = " + cql::quote_literal(name));
      if (!rs.rows.empty()) break;
      if (std::chrono::steady_clock::now() > deadline) {
        throw common::conflict("table " + ks + "." + name + " does not exist on node " +
                               instance_id_ + ": its schema was not applied");
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    server_->nodetool({"import", ks, name, dir.string()}, std::chrono::hours(6));
    ++imported;
    jc.progress(0.9 + 0.1 * double(imported) / double(tables.size()),
                "imported " + std::to_string(imported) + " of " + std::to_string(tables.size()) +
                    " tables");
  }
  common::log::info("cassandra.snapshot_restored", {{"instance", instance_id_},
                                                    {"backup", job.backup_id()},
                                                    {"files", std::to_string(file_count)},
                                                    {"bytes", std::to_string(total)},
                                                    {"tables", std::to_string(imported)}});
  return nlohmann::json({{"bytes", total}, {"files", file_count}, {"tables", imported}}).dump();
}

namespace {

// The tables of a truncate job as (keyspace, table); kBadRequest for a name
// that is no "ks.table" of the user's.
std::vector<std::pair<std::string, std::string>> tables_of(
    const proto::cassandra::TruncateTablesJob& job) {
  std::vector<std::pair<std::string, std::string>> names;
  for (const auto& t : job.tables()) {
    const auto dot = t.find('.');
    if (dot == std::string::npos) {
      throw common::bad_request("'" + t + "' names no table: give keyspace.table");
    }
    TableSelection::parse({t});  // a valid name, not one of Cassandra's own
    names.emplace_back(t.substr(0, dot), t.substr(dot + 1));
  }
  return names;
}

}  // namespace

void CassandraManager::check_truncate_tables(const proto::cassandra::TruncateTablesJob& job) {
  if (job.key().empty()) throw common::bad_request("a truncate job needs a key");
  tables_of(job);
}

std::string CassandraManager::truncate_tables(const proto::cassandra::TruncateTablesJob& job,
                                              guestagent::JobContext& jc) {
  const auto names = tables_of(job);
  auto session = login_until(*server_, admin_login(), kCqlLoginTimeout, *timing_.clock);
  size_t truncated = 0;
  for (const auto& [ks, table] : names) {
    if (jc.stopping()) throw common::unavailable("the truncate was stopped");
    session->execute("TRUNCATE " + cql::quote_identifier(ks) + "." + cql::quote_identifier(table),
                     cql::Consistency::kAll);
    ++truncated;
    jc.progress(double(truncated) / double(names.size()),
                "truncated " + std::to_string(truncated) + " of " + std::to_string(names.size()));
  }
  common::log::info("cassandra.tables_truncated",
                    {{"instance", instance_id_}, {"tables", std::to_string(names.size())}});
  return nlohmann::json({{"tables", names.size()}}).dump();
}

}  // namespace automat::datastores::cassandra
