#include "storage/file_storage.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <ostream>
#include <vector>

#include "common/atomic_file.h"
#include "common/crypto.h"
#include "storage/sha256.h"

namespace automat::storage {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 1 << 20;

[[noreturn]] void fail(const std::string& what, const fs::path& path, int err) {
  throw common::internal_error("cannot " + what + " " + path.string() + ": " + std::strerror(err));
}

void make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw common::internal_error("cannot create " + dir.string() + ": " + ec.message());
}

// Writes `source` to a new file `path` while hashing it; returns size and hash.
std::pair<uint64_t, std::string> copy_hashing(std::istream& source, const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) fail("create", path, errno);
  Sha256 hash;
  uint64_t size = 0;
  std::vector<char> buf(kChunk);
  try {
    while (source) {
      source.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const size_t got = static_cast<size_t>(source.gcount());
      hash.update(buf.data(), got);
      size += got;
      for (size_t done = 0; done < got;) {
        const ssize_t n = ::write(fd, buf.data() + done, got - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("write", path, errno);
        done += static_cast<size_t>(n);
      }
    }
    if (source.bad()) throw common::internal_error("reading the upload source failed");
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) < 0) fail("close", path, errno);
  return {size, hash.hex()};
}

}  // namespace

FileStorage::FileStorage(fs::path root) : root_(std::move(root)) {}

fs::path FileStorage::object_path(const std::string& key) const { return root_ / "objects" / key; }

fs::path FileStorage::checksum_path(const std::string& key) const { return root_ / "sha256" / key; }

ObjectInfo FileStorage::put(const std::string& key, std::istream& source) {
  return store(key, source, "");
}

ObjectInfo FileStorage::put_hashed(const std::string& key, std::istream& source,
                                   const std::string& sha256) {
  if (sha256.empty()) throw common::bad_request("put_hashed needs the SHA-256 of " + key);
  return store(key, source, sha256);
}

ObjectInfo FileStorage::store(const std::string& key, std::istream& source,
                              const std::string& expected_sha256) {
  check_key(key);
  make_dirs(root_ / "incoming");
  const fs::path partial = root_ / "incoming" / common::crypto::random_hex(12);
  try {
    auto [size, sha256] = copy_hashing(source, partial);
    if (!expected_sha256.empty() && sha256 != expected_sha256) {
      throw common::conflict("the bytes stored as " + key + " changed while they were read");
    }
    make_dirs(checksum_path(key).parent_path());
    make_dirs(object_path(key).parent_path());
    common::write_file_atomically(checksum_path(key).string(), sha256 + "\n", 0640);
    common::replace_file_with(object_path(key).string(), partial.string());
    return ObjectInfo{key, size, sha256};
  } catch (...) {
    ::unlink(partial.c_str());
    throw;
  }
}

ObjectInfo FileStorage::put_file(const std::string& key, const std::string& path) {
  check_key(key);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw common::not_found("cannot open " + path + " to upload it as " + key);
  return put(key, in);
}

std::optional<ObjectInfo> FileStorage::head(const std::string& key) {
  check_key(key);
  std::error_code ec;
  const uint64_t size = fs::file_size(object_path(key), ec);
  if (ec) return std::nullopt;
  const std::optional<std::string> sidecar = common::read_file(checksum_path(key).string());
  std::string sha256 = sidecar.value_or("");
  sha256.erase(std::remove(sha256.begin(), sha256.end(), '\n'), sha256.end());
  return ObjectInfo{key, size, sha256};
}

ObjectInfo FileStorage::get(const std::string& key, std::ostream& out) {
  const std::optional<ObjectInfo> info = head(key);
  if (!info) throw ObjectNotFound(key);
  if (info->sha256.empty()) {
    throw ChecksumMismatch("backup object " + key + " has no stored SHA-256 (" +
                           checksum_path(key).string() + " is missing)");
  }
  std::ifstream in(object_path(key), std::ios::binary);
  if (!in) throw ObjectNotFound(key);
  Sha256 hash;
  uint64_t size = 0;
  std::vector<char> buf(kChunk);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = in.gcount();
    hash.update(buf.data(), static_cast<size_t>(got));
    size += static_cast<uint64_t>(got);
    if (!out.write(buf.data(), got)) {
      throw common::internal_error("cannot write backup object " + key + " out");
    }
  }
  if (in.bad()) throw common::internal_error("cannot read " + object_path(key).string());
  const std::string actual = hash.hex();
  if (actual != info->sha256) {
    throw ChecksumMismatch("backup object " + key + " is damaged: its SHA-256 is " + actual +
                           ", stored " + info->sha256);
  }
  return ObjectInfo{key, size, actual};
}

std::vector<ObjectInfo> FileStorage::list(const std::string& prefix) {
  const fs::path objects = root_ / "objects";
  // Walk only the directory the prefix's complete segments name.
  std::vector<ObjectInfo> found;
  // Never a walk outside objects/ ("../").
  if (!prefix_can_match(prefix)) return found;
  const size_t slash = prefix.rfind('/');
  const fs::path start = slash == std::string::npos ? objects : objects / prefix.substr(0, slash);
  std::error_code ec;
  if (!fs::is_directory(start, ec)) return found;
  for (auto it = fs::recursive_directory_iterator(start, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string key = it->path().lexically_relative(objects).generic_string();
    if (!key.starts_with(prefix)) continue;
    found.push_back(ObjectInfo{key, it->file_size(ec), ""});
  }
  if (ec) throw common::internal_error("cannot list " + start.string() + ": " + ec.message());
  std::sort(found.begin(), found.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return found;
}

void FileStorage::remove(const std::string& key) {
  check_key(key);
  for (const fs::path& path : {object_path(key), checksum_path(key)}) {
    if (::unlink(path.c_str()) < 0 && errno != ENOENT) fail("delete", path, errno);
    // Empty directories left behind go too (rmdir fails on a non-empty one).
    for (fs::path dir = path.parent_path(); dir.has_relative_path() && dir.parent_path() != root_;
         dir = dir.parent_path()) {
      if (::rmdir(dir.c_str()) < 0) break;
    }
  }
}

size_t FileStorage::remove_prefix(const std::string& prefix) {
  if (prefix.empty()) throw common::bad_request("refusing to delete every backup object at once");
  const std::vector<ObjectInfo> objects = list(prefix);
  for (const ObjectInfo& object : objects) remove(object.key);
  return objects.size();
}

}  // namespace automat::storage
