#include "datastores/mysql/guest_mysql_binaries.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include "common/error.h"

namespace automat::datastores::mysql {

namespace fs = std::filesystem;

std::string find_mariadb_binary(const std::string& name, const std::string& image_location,
                                const std::string& package_hint) {
  std::vector<fs::path> dirs;
  if (!image_location.empty()) {
    dirs = {fs::path(image_location) / "bin", fs::path(image_location) / "sbin"};
  } else {
    const char* path = std::getenv("PATH");
    std::istringstream in(path ? path : "");
    for (std::string d; std::getline(in, d, ':');) {
      if (!d.empty()) dirs.emplace_back(d);
    }
    dirs.emplace_back("/usr/sbin");
    dirs.emplace_back("/usr/bin");
  }
  for (const auto& d : dirs) {
    const fs::path p = d / name;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  throw common::internal_error(
      name + " not found" +
      (image_location.empty() ? " (install " + package_hint + ")" : " under " + image_location));
}

}  // namespace automat::datastores::mysql
