#pragma once
// Command line shared by every service binary:
//   --config PATH        the INI file (default: $AUTOMAT_CONFIG, else etc/automat.conf)
//   --set section.key=value   override one option (repeatable)
// plus whatever extra flags the caller adds to `app` before calling parse.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/config.h"

namespace automat::common {

class ServiceArgs {
 public:
  explicit ServiceArgs(CLI::App& app);
  // Loads the config and applies --set overrides. Call after app.parse().
  Config load() const;

 private:
  std::string config_path_;
  std::vector<std::string> overrides_;
};

}  // namespace automat::common
