#include "datastores/mysql/guest_mysql_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "common/error.h"

namespace automat::datastores::mysql {

MysqlState load_state(const std::string& path) {
  MysqlState s;
  if (::access(path.c_str(), F_OK) != 0) return s;
  std::ifstream f(path);
  if (!f) throw common::internal_error("cannot read the guest state file " + path);
  std::string line;
  while (std::getline(f, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const bool value = line.substr(eq + 1) == "1";
    if (key == "installed") s.installed = value;
    if (key == "prepared") s.prepared = value;
    if (key == "should_run") s.should_run = value;
  }
  return s;
}

void save_state(const std::string& path, const MysqlState& state) {
  const std::string text = std::string("installed=") + (state.installed ? "1" : "0") +
                           "\nprepared=" + (state.prepared ? "1" : "0") +
                           "\nshould_run=" + (state.should_run ? "1" : "0") + "\n";
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = fd >= 0 && ::fsync(fd) == 0 && ok;
  if (fd >= 0) ::close(fd);
  ok = ok && std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    throw common::internal_error("cannot write the guest state file " + path + ": " +
                                 std::strerror(errno));
  }
}

}  // namespace automat::datastores::mysql
