#pragma once
// Where backups live: a flat namespace of objects named by keys such as
// "backups/<id>/node-1/data.tar", each stored with the SHA-256 of its bytes
// and verified on every read. Drivers: a directory (storage/file_storage.h)
// and any S3-compatible endpoint (storage/s3_storage.h); [backup_storage]
// driver in automat.conf picks one (make_backup_storage in
// storage/storage_settings.h).
//
// Keys are relative paths: non-empty segments separated by '/', no "." or
// ".." segment, no leading '/', at most 1024 bytes, printable ASCII only,
// not ending in kChecksumSuffix (a driver's own companion objects).
// A bad key is refused with common::Error(kBadRequest) before any I/O.
//
// Every call may be made from several threads at once; two writers of the
// same key race and one of them wins whole.
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace automat::storage {

// Reserved: "<key>.automat-sha256" is where a driver may keep the SHA-256
// of `key` beside it (storage/s3_storage.h, for streams over 5 GiB).
inline constexpr const char* kChecksumSuffix = ".automat-sha256";

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  // Lower-case hex SHA-256 of the bytes, as stored with the object. Empty
  // in list() results (a listing does not carry it; head() does).
  std::string sha256;
};

// The object does not exist (kNotFound).
class ObjectNotFound : public common::Error {
 public:
  explicit ObjectNotFound(const std::string& key)
      : common::Error(common::ErrorCode::kNotFound, "backup object " + key + " does not exist") {}
};

// The bytes read back do not have the SHA-256 stored with them, or no
// SHA-256 is stored (an upload that did not finish, or a foreign object).
// kInternal: the storage holds damaged data; the operation cannot go on.
class ChecksumMismatch : public common::Error {
 public:
  explicit ChecksumMismatch(const std::string& message)
      : common::Error(common::ErrorCode::kInternal, message) {}
};

class BackupStorage {
 public:
  virtual ~BackupStorage() = default;

  // Stores everything `source` yields (until its end) as `key`, replacing
  // an object of that key. Its SHA-256 is computed from the bytes sent and
  // stored with it. A reader sees the old object or the whole new one,
  // never a part. Returns the stored size and SHA-256. Throws
  // common::Error (kUnavailable when the storage cannot be reached or
  // refuses the credentials, kInternal when a write fails); nothing is
  // left under `key` by a put that threw.
  virtual ObjectInfo put(const std::string& key, std::istream& source) = 0;

  // put() of the file at `path` (which must not change meanwhile: if it
  // does, the put fails). kNotFound when `path` cannot be opened.
  virtual ObjectInfo put_file(const std::string& key, const std::string& path) = 0;

  // put() of bytes whose SHA-256 the caller knows already (it hashed the
  // file it now streams, e.g. through a bandwidth limit): the checksum is
  // stored with the object from the start (on S3: no copy afterwards, so
  // no 5 GiB limit). When the bytes read do not have `sha256` the put
  // fails with kConflict and the object that was at `key` stays as it was.
  virtual ObjectInfo put_hashed(const std::string& key, std::istream& source,
                                const std::string& sha256) = 0;

  // Writes the bytes of `key` to `out` while computing their SHA-256, and
  // compares it with the stored one at the end. Throws ObjectNotFound,
  // ChecksumMismatch (naming the key), or common::Error as put(). When it
  // throws, what was written to `out` is incomplete and must be discarded:
  // get_file() does that for files.
  virtual ObjectInfo get(const std::string& key, std::ostream& out) = 0;

  // Size and SHA-256 of `key`, or nullopt when it does not exist.
  virtual std::optional<ObjectInfo> head(const std::string& key) = 0;

  // Every object whose key starts with `prefix` (a plain string prefix, ""
  // for all), sorted by key, with sizes and without checksums. Names that
  // are not keys (a directory marker "a/b/") are not listed.
  virtual std::vector<ObjectInfo> list(const std::string& prefix) = 0;

  // Deletes `key`; deleting an object that does not exist is not an error.
  virtual void remove(const std::string& key) = 0;

  // Deletes every object list(prefix) names and returns how many. The
  // prefix must not be empty (a whole store is never wiped by one call).
  virtual size_t remove_prefix(const std::string& prefix) = 0;
};

using BackupStoragePtr = std::unique_ptr<BackupStorage>;

// get() into the file `path`: the bytes go to a temporary file beside it,
// which replaces `path` (fsync, rename, directory fsync) only once the
// checksum matched. On any error `path` is untouched and the temporary file
// removed, so a file at `path` is always a complete, verified object.
ObjectInfo get_file(BackupStorage& storage, const std::string& key, const std::string& path);

// Throws common::Error(kBadRequest) naming `key` unless it is a valid key
// (see above). Drivers call it first in every call taking a key.
void check_key(const std::string& key);

// False when no key can start with `prefix` (its whole segments are not a
// key: "../", "/a", "a//"): list() answers such a prefix with nothing,
// without looking.
bool prefix_can_match(const std::string& prefix);

}  // namespace automat::storage
