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

}  // namespace automat::datastores::cassandra
