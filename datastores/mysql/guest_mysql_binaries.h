#pragma once
// Finding MariaDB's programs: under the version's image location when it has
// one, else on PATH and in /usr/sbin, /usr/bin (Debian's packages).
#include <string>

namespace automat::datastores::mysql {

// The absolute path of `name`; throws common::Error(kInternal) naming what to
// install (`package_hint`, e.g. "mariadb-server") when it is nowhere.
std::string find_mariadb_binary(const std::string& name, const std::string& image_location,
                                const std::string& package_hint);

}  // namespace automat::datastores::mysql
