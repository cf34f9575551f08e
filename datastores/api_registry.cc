// The API faces of the datastores, by manager name. Adding a datastore's API
// strategy is one line in kStrategies.
#include <string_view>

#include "datastores/mysql/api_strategy.h"
#include "datastores/registry.h"

namespace automat::datastores {
namespace {

const mysql::MysqlApiStrategy kMysql;

struct Registration {
  std::string_view manager;
  const api::DatastoreStrategy* strategy;
};

const Registration kStrategies[] = {
    {"mysql", &kMysql},
};

}  // namespace

const api::DatastoreStrategy* api_strategy(const std::string& manager) {
  for (const auto& r : kStrategies) {
    if (r.manager == manager) return r.strategy;
  }
  return nullptr;
}

}  // namespace automat::datastores
