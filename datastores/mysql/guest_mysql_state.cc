#include "datastores/mysql/guest_mysql_state.h"

#include <unistd.h>

#include <fstream>

#include "common/atomic_file.h"
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
  common::write_file_atomically(path, text, 0600);
}

}  // namespace automat::datastores::mysql
