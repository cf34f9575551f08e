#include "storage/backup_storage.h"

#include <unistd.h>

#include <fstream>

#include "common/atomic_file.h"
#include "common/crypto.h"

namespace automat::storage {

void check_key(const std::string& key) {
  auto refuse = [&](const std::string& why) {
    throw common::bad_request("backup object key '" + key + "' " + why);
  };
  if (key.empty()) throw common::bad_request("backup object key is empty");
  if (key.size() > 1024) refuse("is longer than 1024 bytes");
  for (const char c : key) {
    if (c < 0x20 || c > 0x7e) refuse("holds a character that is not printable ASCII");
  }
  size_t start = 0;
  while (true) {
    const size_t slash = key.find('/', start);
    const std::string segment =
        key.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment.empty()) refuse("has an empty path segment (a leading, trailing or double '/')");
    if (segment == "." || segment == "..") refuse("has a '" + segment + "' segment");
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (key.ends_with(kChecksumSuffix)) {
    refuse(std::string("ends in ") + kChecksumSuffix + ", a name kept for checksums");
  }
}

bool prefix_can_match(const std::string& prefix) {
  const size_t slash = prefix.rfind('/');
  if (slash == std::string::npos) return true;
  try {
    check_key(prefix.substr(0, slash));
    return true;
  } catch (const common::Error&) {
    return false;
  }
}

ObjectInfo get_file(BackupStorage& storage, const std::string& key, const std::string& path) {
  const std::string partial = path + ".partial-" + common::crypto::random_hex(6);
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) throw common::internal_error("cannot create " + partial);
  try {
    ObjectInfo info = storage.get(key, out);
    out.close();
    if (!out) throw common::internal_error("cannot write " + partial);
    common::replace_file_with(path, partial);
    return info;
  } catch (...) {
    out.close();
    ::unlink(partial.c_str());
    throw;
  }
}

}  // namespace automat::storage
