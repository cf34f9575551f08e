#include "datastores/cassandra/guest_cassandra_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace automat::datastores::cassandra {

std::optional<std::string> read_file(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) return std::nullopt;
  std::ifstream f(path, std::ios::binary);
  if (!f) throw common::internal_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file_atomic(const std::string& path, const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  bool ok = fd >= 0 && ::fchmod(fd, mode) == 0;
  ok = ok && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  if (fd >= 0) ::close(fd);
  ok = ok && std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    const int err = errno ? errno : saved;
    ::unlink(tmp.c_str());
    throw common::internal_error("cannot write " + path + ": " + std::strerror(err));
  }
}

}  // namespace automat::datastores::cassandra
