#include "common/service_args.h"

#include <cstdlib>

#include "common/error.h"

namespace automat::common {

ServiceArgs::ServiceArgs(CLI::App& app) {
  const char* env = std::getenv("AUTOMAT_CONFIG");
  config_path_ = env ? env : "etc/automat.conf";
  app.add_option("--config", config_path_, "configuration file (INI)");
  app.add_option("--set", overrides_, "override an option: section.key=value (repeatable)");
}

Config ServiceArgs::load() const {
  Config cfg = Config::load(config_path_);
  for (const auto& o : overrides_) {
    const auto dot = o.find('.');
    const auto eq = o.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot > eq) {
      throw bad_request("--set expects section.key=value, got '" + o + "'");
    }
    cfg.set(o.substr(0, dot), o.substr(dot + 1, eq - dot - 1), o.substr(eq + 1));
  }
  return cfg;
}

}  // namespace automat::common
