#pragma once
// In-memory stand-in for storage/backup_storage.h, for unit tests of what
// will store backups. Keeps the same promises (the contract in
// tests/support/backup_storage_contract.h runs on it). Thread-safe.
// `objects` holds what is stored (change `bytes` to play a damaged object);
// `fail_put` makes the next put throw, like a storage that cannot be reached.
#include <fstream>
#include <istream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "storage/backup_storage.h"
#include "storage/sha256.h"

namespace automat::testing {

class FakeBackupStorage : public storage::BackupStorage {
 public:
  struct Stored {
    std::string bytes;
    std::string sha256;
  };

  mutable std::mutex mu;
  std::map<std::string, Stored> objects;  // by key
  std::optional<std::string> fail_put;    // message of the next put failure

  storage::ObjectInfo put(const std::string& key, std::istream& source) override {
    storage::check_key(key);
    std::string bytes{std::istreambuf_iterator<char>(source), std::istreambuf_iterator<char>()};
    std::lock_guard lock(mu);
    if (fail_put) {
      const std::string message = *fail_put;
      fail_put.reset();
      throw common::unavailable(message);
    }
    const std::string sha256 = storage::Sha256::of(bytes);
    const uint64_t size = bytes.size();
    objects[key] = Stored{std::move(bytes), sha256};
    return storage::ObjectInfo{key, size, sha256};
  }

  storage::ObjectInfo put_hashed(const std::string& key, std::istream& source,
                                 const std::string& sha256) override {
    storage::check_key(key);
    std::string bytes{std::istreambuf_iterator<char>(source), std::istreambuf_iterator<char>()};
    if (storage::Sha256::of(bytes) != sha256) {
      throw common::conflict("the bytes stored as " + key + " changed while they were read");
    }
    std::istringstream in(bytes);
    return put(key, in);
  }

  storage::ObjectInfo put_file(const std::string& key, const std::string& path) override {
    storage::check_key(key);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw common::not_found("cannot open " + path + " to upload it as " + key);
    return put(key, in);
  }

  storage::ObjectInfo get(const std::string& key, std::ostream& out) override {
    storage::check_key(key);
    Stored stored;
    {
      std::lock_guard lock(mu);
      auto it = objects.find(key);
      if (it == objects.end()) throw storage::ObjectNotFound(key);
      stored = it->second;
    }
    out.write(stored.bytes.data(), static_cast<std::streamsize>(stored.bytes.size()));
    const std::string actual = storage::Sha256::of(stored.bytes);
    if (actual != stored.sha256) {
      throw storage::ChecksumMismatch("backup object " + key + " is damaged: its SHA-256 is " +
                                      actual + ", stored " + stored.sha256);
    }
    return storage::ObjectInfo{key, stored.bytes.size(), actual};
  }

  std::optional<storage::ObjectInfo> head(const std::string& key) override {
    storage::check_key(key);
    std::lock_guard lock(mu);
    auto it = objects.find(key);
    if (it == objects.end()) return std::nullopt;
    return storage::ObjectInfo{key, it->second.bytes.size(), it->second.sha256};
  }

  std::vector<storage::ObjectInfo> list(const std::string& prefix) override {
    std::lock_guard lock(mu);
    std::vector<storage::ObjectInfo> found;
    if (!storage::prefix_can_match(prefix)) return found;
    for (auto it = objects.lower_bound(prefix); it != objects.end(); ++it) {
      if (!it->first.starts_with(prefix)) break;
      found.push_back(storage::ObjectInfo{it->first, it->second.bytes.size(), ""});
    }
    return found;
  }

  void remove(const std::string& key) override {
    storage::check_key(key);
    std::lock_guard lock(mu);
    objects.erase(key);
  }

  size_t remove_prefix(const std::string& prefix) override {
    if (prefix.empty()) {
      throw common::bad_request("refusing to delete every backup object at once");
    }
    const std::vector<storage::ObjectInfo> found = list(prefix);
    for (const storage::ObjectInfo& object : found) remove(object.key);
    return found.size();
  }
};

}  // namespace automat::testing
