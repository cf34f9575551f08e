#pragma once
// BackupStorage in a local directory (the default, under the state dir):
//   <root>/objects/<key>   the bytes
//   <root>/sha256/<key>    their SHA-256 in hex (a sidecar file)
//   <root>/incoming/       uploads in progress
// An upload is written and fsynced under incoming/, its sidecar is put in
// place first and the bytes renamed over objects/<key> last (each with
// common::write_file_atomically / common::replace_file_with), so an object
// that exists always has its checksum, and a crash leaves at most a stray
// sidecar or temporary file that no listing shows. Replacing an existing
// key is not atomic across the pair: a reader racing it may get
// ChecksumMismatch, never unverified bytes.
#include <filesystem>
#include <string>

#include "storage/backup_storage.h"

namespace automat::storage {

class FileStorage : public BackupStorage {
 public:
  // `root` is created on first write when missing.
  explicit FileStorage(std::filesystem::path root);

  ObjectInfo put(const std::string& key, std::istream& source) override;
  ObjectInfo put_file(const std::string& key, const std::string& path) override;
  ObjectInfo put_hashed(const std::string& key, std::istream& source,
                        const std::string& sha256) override;
  ObjectInfo get(const std::string& key, std::ostream& out) override;
  std::optional<ObjectInfo> head(const std::string& key) override;
  std::vector<ObjectInfo> list(const std::string& prefix) override;
  void remove(const std::string& key) override;
  size_t remove_prefix(const std::string& prefix) override;

  // Where the bytes of `key` live (for tools and tests that inspect them).
  std::filesystem::path object_path(const std::string& key) const;

 private:
  std::filesystem::path checksum_path(const std::string& key) const;
  // put(), refusing (kConflict, nothing replaced) bytes whose SHA-256 is
  // not `expected_sha256` unless that is empty.
  ObjectInfo store(const std::string& key, std::istream& source,
                   const std::string& expected_sha256);

  std::filesystem::path root_;
};

}  // namespace automat::storage
