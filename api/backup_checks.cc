#include "api/backup_checks.h"

#include <algorithm>
#include <cctype>

#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {

void check_backs_up(const ApiServices& services, const db::Instance& instance) {
  if (instance.cluster_id) {
    throw common::bad_request("instance " + instance.id + " is a node of cluster " +
                              *instance.cluster_id + "; back up the cluster instead");
  }
  const auto version = services.catalog->find_version_by_id(instance.datastore_version_id);
  const DatastoreStrategy* strategy =
      version && services.strategies ? services.strategies(version->manager) : nullptr;
  if (!strategy || !strategy->supports_backups()) {
    throw common::bad_request("instance " + instance.id + " runs " +
                              (version ? version->datastore_name : std::string("a datastore")) +
                              ", which this service cannot back up");
  }
}

const ClusterStrategy& check_backs_up(const ApiServices& services, const db::Cluster& cluster) {
  const auto version = services.catalog->find_version_by_id(cluster.datastore_version_id);
  const ClusterStrategy* strategy = version && services.cluster_strategies
                                        ? services.cluster_strategies(version->manager)
                                        : nullptr;
  if (!strategy || !strategy->supports_backups()) {
    throw common::bad_request("cluster " + cluster.id + " runs " +
                              (version ? version->datastore_name : std::string("a datastore")) +
                              ", whose clusters this service cannot back up");
  }
  return *strategy;
}

void check_backup_keyspace(const std::string& entry, const std::string& field) {
  auto word = [](const std::string& w) {
    return !w.empty() && w.size() <= 48 && std::all_of(w.begin(), w.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
  };
  const auto dot = entry.find('.');
  const bool ok = dot == std::string::npos
                      ? word(entry)
                      : word(entry.substr(0, dot)) && word(entry.substr(dot + 1));
  if (!ok) {
    throw common::bad_request(field + ": " + common::in_quotes(common::excerpt(entry)) +
                              " is not a keyspace or keyspace.table of letters, digits and '_'");
  }
}

}  // namespace automat::api
