#include "datastores/cassandra/guest_cassandra_backup.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_cql.h"
#include "storage/sha256.h"

namespace automat::datastores::cassandra {
namespace {

namespace fs = std::filesystem;

bool word(const std::string& s, size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// The table directories of `data_dir`: (keyspace, directory).
std::vector<std::pair<std::string, fs::path>> table_directories(const std::string& data_dir) {
  std::vector<std::pair<std::string, fs::path>> out;
  std::error_code ec;
  for (fs::directory_iterator ks(data_dir, ec), end; !ec && ks != end; ks.increment(ec)) {
    if (!is_dir(ks->path())) continue;
    const std::string keyspace = ks->path().filename().string();
    std::error_code inner;
    for (fs::directory_iterator t(ks->path(), inner); !inner && t != end; t.increment(inner)) {
      if (is_dir(t->path())) out.emplace_back(keyspace, t->path());
    }
  }
  return out;
}

void check_prefix(const std::string& value, const char* field) {
  if (value.empty() || !value.ends_with('/') || !storage::prefix_can_match(value)) {
    throw common::bad_request(std::string("an upload job needs a ") + field +
                              " of key segments ending in '/'");
  }
}

}  // namespace

void validate_snapshot_tag(const std::string& tag) {
  const bool ok =
      !tag.empty() && tag.size() <= 64 && std::all_of(tag.begin(), tag.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
      });
  if (!ok) throw common::bad_request("a snapshot tag must be 1-64 letters, digits, '_' or '-'");
}

TableSelection TableSelection::parse(const std::vector<std::string>& entries) {
  TableSelection s;
  for (const auto& entry : entries) {
    const auto dot = entry.find('.');
    const std::string keyspace = entry.substr(0, dot);
    const std::string table = dot == std::string::npos ? "" : entry.substr(dot + 1);
    if (!word(keyspace, 48) || (dot != std::string::npos && !word(table, 48))) {
      throw common::bad_request("'" + entry +
                                "' is not a keyspace or keyspace.table of letters, digits and '_'");
    }
    if (is_system_keyspace(keyspace)) {
      throw common::bad_request("keyspace '" + keyspace +
                                "' is Cassandra's own; it is not backed up");
    }
    // A whole keyspace named once takes all of it, whatever else names it.
    const auto known = s.keyspaces_.find(keyspace);
    const bool whole = known != s.keyspaces_.end() && known->second.count("");
    auto& tables = s.keyspaces_[keyspace];
    if (table.empty() || whole) {
      tables = {""};
    } else {
      tables.insert(table);
    }
  }
  return s;
}

std::vector<std::string> TableSelection::keyspaces() const {
  std::vector<std::string> out;
  for (const auto& [ks, tables] : keyspaces_) out.push_back(ks);
  return out;
}

bool TableSelection::selects(const std::string& keyspace, const std::string& table) const {
  if (is_system_keyspace(keyspace)) return false;
  if (all()) return true;
  const auto it = keyspaces_.find(keyspace);
  if (it == keyspaces_.end()) return false;
  return it->second.count("") || it->second.count(table);
}

bool TableSelection::takes_keyspace(const std::string& keyspace) const {
  if (is_system_keyspace(keyspace)) return false;
  return all() || keyspaces_.count(keyspace) != 0;
}

std::string table_of_directory(const std::string& directory) {
  const auto dash = directory.rfind('-');
  return dash == std::string::npos ? directory : directory.substr(0, dash);
}

std::vector<LocalSnapshotFile> snapshot_files(const std::string& data_dir, const std::string& tag,
                                              const TableSelection& selection) {
  validate_snapshot_tag(tag);
  std::vector<LocalSnapshotFile> out;
  for (const auto& [keyspace, dir] : table_directories(data_dir)) {
    const std::string table = table_of_directory(dir.filename().string());
    if (!selection.selects(keyspace, table)) continue;
    const fs::path snapshot = dir / "snapshots" / tag;
    if (!is_dir(snapshot)) continue;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(snapshot, ec), end; !ec && it != end;
         it.increment(ec)) {
      std::error_code fec;
      if (!it->is_regular_file(fec)) continue;
      LocalSnapshotFile f;
      f.keyspace = keyspace;
      f.table = table;
      f.name = fs::relative(it->path(), snapshot).string();
      f.path = it->path().string();
      f.size = it->file_size(fec);
      if (fec) throw common::internal_error("cannot read the size of " + f.path);
      out.push_back(std::move(f));
    }
    if (ec) throw common::internal_error("cannot list " + snapshot.string() + ": " + ec.message());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.keyspace, a.table, a.name) < std::tie(b.keyspace, b.table, b.name);
  });
  return out;
}

bool snapshot_exists(const std::string& data_dir, const std::string& tag) {
  validate_snapshot_tag(tag);
  for (const auto& [keyspace, dir] : table_directories(data_dir)) {
    if (is_dir(dir / "snapshots" / tag)) return true;
  }
  return false;
}

std::string pool_key(const std::string& pool, const LocalSnapshotFile& file,
                     const std::string& sha256) {
  return pool + file.keyspace + "/" + file.table + "/" + sha256 + "/" + file.name;
}

std::string file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw common::internal_error("cannot open " + path);
  storage::Sha256 hash;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    hash.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw common::internal_error("reading " + path + " failed");
  return hash.hex();
}

namespace {

// put_file of the file whose SHA-256 is `sha256`, each chunk first granted
// by `throttle` when there is one.
storage::ObjectInfo put_throttled(storage::BackupStorage& storage, const std::string& key,
                                  const std::string& path, const std::string& sha256,
                                  storage::Throttle* throttle) {
  if (!throttle) return storage.put_file(key, path);
  std::ifstream file(path, std::ios::binary);
  if (!file) throw common::internal_error("cannot open " + path);
  storage::ThrottledStream in(file, *throttle);
  return storage.put_hashed(key, in, sha256);
}

}  // namespace

StoredSnapshot store_snapshot_files(storage::BackupStorage& storage,
                                    const std::vector<LocalSnapshotFile>& files,
                                    const std::string& pool, int concurrency,
                                    const UploadProgress& progress,
                                    const std::function<bool()>& stop,
                                    storage::Throttle* throttle) {
  StoredSnapshot result;
  result.files.resize(files.size());
  for (const auto& f : files) result.total_bytes += f.size;
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> done{0}, uploaded{0};
  std::atomic<bool> failed{false};
  std::mutex mu;  // guards first_error and progress calls
  std::exception_ptr first_error;

  auto work = [&] {
    try {
      for (size_t i = next++; i < files.size() && !failed; i = next++) {
        if (stop && stop()) throw common::unavailable("the upload was stopped");
        const LocalSnapshotFile& f = files[i];
        const std::string sha = file_sha256(f.path);
        const std::string key = pool_key(pool, f, sha);
        auto& out = result.files[i];
        out.set_keyspace(f.keyspace);
        out.set_table(f.table);
        out.set_name(f.name);
        out.set_key(key);
        const auto stored = storage.head(key);
        if (stored && stored->size == f.size && stored->sha256 == sha) {
          out.set_size(static_cast<int64_t>(f.size));
          out.set_sha256(sha);
        } else {
          const storage::ObjectInfo put = put_throttled(storage, key, f.path, sha, throttle);
          if (put.sha256 != sha || put.size != f.size) {
            storage.remove(key);
            throw common::internal_error(f.path + " changed while it was stored");
          }
          out.set_size(static_cast<int64_t>(put.size));
          out.set_sha256(put.sha256);
          out.set_uploaded(true);
          uploaded += put.size;
        }
        const uint64_t now = done += f.size;
        if (progress) {
          std::lock_guard<std::mutex> lock(mu);
          progress(now, result.total_bytes);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!first_error) first_error = std::current_exception();
      failed = true;
    }
  };
  const int threads = std::clamp(concurrency, 1, 16);
  std::vector<std::thread> pool_threads;
  for (int t = 1; t < threads && static_cast<size_t>(t) < files.size(); ++t) {
    pool_threads.emplace_back(work);
  }
  work();
  for (auto& t : pool_threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
  result.uploaded_bytes = uploaded;
  return result;
}

std::string node_manifest_key(const std::string& prefix) { return prefix + "manifest.json"; }

void check_upload_job(const proto::cassandra::UploadSnapshotJob& job) {
  if (job.key().empty()) throw common::bad_request("an upload job needs a key");
  if (job.backup_id().empty()) throw common::bad_request("an upload job needs a backup_id");
  validate_snapshot_tag(job.tag());
  check_prefix(job.prefix(), "prefix");
  check_prefix(job.pool(), "pool");
  if (job.concurrency() < 0 || job.concurrency() > 16) {
    throw common::bad_request("an upload job's concurrency must be 0..16");
  }
  if (job.max_bytes_per_second() < 0) {
    throw common::bad_request("an upload job's max_bytes_per_second must be 0 (no limit) or more");
  }
  TableSelection::parse(std::vector<std::string>(job.keyspaces().begin(), job.keyspaces().end()));
}

std::vector<proto::cassandra::SnapshotFile> restore_files(
    const proto::cassandra::NodeBackupManifest& manifest, const TableSelection& selection) {
  std::vector<proto::cassandra::SnapshotFile> out;
  for (const auto& f : manifest.files()) {
    if (!selection.selects(f.keyspace(), f.table())) continue;
    if (f.name().find('/') != std::string::npos) continue;
    if (f.name() == "manifest.json" || f.name() == "schema.cql") continue;
    out.push_back(f);
  }
  return out;
}

std::string idempotent_create(const std::string& statement) {
  auto upper = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  const auto start = statement.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) throw common::bad_request("an empty schema statement");
  const std::string text = statement.substr(start);
  const std::string head = upper(text.substr(0, 64));
  static const char* const kKinds[] = {"CREATE KEYSPACE ", "CREATE TABLE ",
                                       "CREATE TYPE ",     "CREATE CUSTOM INDEX ",
                                       "CREATE INDEX ",    "CREATE MATERIALIZED VIEW ",
                                       "CREATE FUNCTION ", "CREATE AGGREGATE "};
  for (const char* kind : kKinds) {
    const std::string k = kind;
    if (!head.starts_with(k)) continue;
    if (head.substr(k.size()).starts_with("IF NOT EXISTS ")) return text;
    // CREATE INDEX may be anonymous: "CREATE INDEX ON ks.t (c)".
    if (head.substr(k.size()).starts_with("ON ")) return text;
    return text.substr(0, k.size()) + "IF NOT EXISTS " + text.substr(k.size());
  }
  throw common::bad_request("a restore applies only CREATE statements, not '" + text.substr(0, 40) +
                            "'");
}

void check_restore_job(const proto::cassandra::RestoreSnapshotJob& job) {
  if (job.key().empty()) throw common::bad_request("a restore job needs a key");
  const std::string& id = job.backup_id();
  const bool id_ok =
      !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
      });
  if (!id_ok) throw common::bad_request("a restore job needs a backup_id of letters, digits, '-'");
  if (job.mode() != proto::cassandra::RestoreSnapshotJob::IMPORT &&
      job.mode() != proto::cassandra::RestoreSnapshotJob::DISCARD) {
    storage::check_key(job.manifest_key());
  }
  TableSelection::parse(std::vector<std::string>(job.keyspaces().begin(), job.keyspaces().end()));
}

}  // namespace automat::datastores::cassandra
