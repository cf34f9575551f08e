#pragma once
// The collaborators and limits the handler layer works with. main.cc wires
// the PostgreSQL repositories and the AMQP publisher; unit tests wire fakes.
// Everything pointed to must outlive the Router and be thread-safe.
#include <chrono>
#include <cstddef>
#include <string>

#include "api/cluster_strategy.h"
#include "api/datastore_strategy.h"
#include "common/broker.h"
#include "common/clock.h"
#include "db/backup_repository.h"
#include "db/backup_schedule_repository.h"
#include "db/repositories.h"
#include "db/root_history.h"
#include "guestclient/database_admin_client.h"

namespace automat::api {

// Finds the API strategy of a datastore manager ("mysql"); nullptr when no
// datastore registered it. Production passes datastores::api_strategy.
using StrategyLookup = const DatastoreStrategy* (*)(const std::string& manager);
// Finds the cluster rules of a datastore manager ("cassandra"); nullptr when
// it builds no clusters. Production passes datastores::cluster_strategy.
using ClusterStrategyLookup = const ClusterStrategy* (*)(const std::string& manager);

struct ApiLimits {
  size_t max_body_bytes = 1 << 20;  // [api] max_body_bytes
  int min_volume_gb = 1;            // [api] min_volume_gb
  int max_volume_gb = 1024;         // [api] max_volume_gb
  int token_cache_seconds = 30;     // [api] token_cache_seconds
  size_t max_page_size = 100;       // [api] max_page_size: the longest page of a list
  // [api] operation_expiry: how long a finished operation stays in
  // GET /operations.
  std::chrono::seconds operation_expiry{3600};
};

struct ApiServices {
  db::TokenRepository* tokens = nullptr;
  db::CatalogRepository* catalog = nullptr;
  db::InstanceRepository* instances = nullptr;
  db::OperationRepository* operations = nullptr;
  common::Publisher* publisher = nullptr;
  const common::Clock* clock = nullptr;
  StrategyLookup strategies = nullptr;
  ApiLimits limits;
  // Clusters (issue 3). Without `clusters` the /clusters routes answer 501.
  db::ClusterRepository* clusters = nullptr;
  ClusterStrategyLookup cluster_strategies = nullptr;
  // Quotas (issue 10): limits and usage for GET /limits and /mgmt/quotas;
  // without `quotas` those routes answer 501. Creates charge the instance,
  // cluster and backup repositories with `quota_defaults` ([quota]) either
  // way.
  db::QuotaRepository* quotas = nullptr;
  db::QuotaValues quota_defaults = db::default_quota_limits();
  // The region shown in instance views ([api] region).
  std::string region = "RegionOne";
  // Databases, users and root (Trove's extensions), through the guests'
  // DatabaseAdmin. Without `database_admin` (or, for root, `root_history`)
  // those routes answer 501. A guest listens where the instance row says
  // (address, guest_port: the compute driver's record); each call must end
  // within `guest_call_timeout` ([api] guest_call_timeout).
  guestclient::DatabaseAdminClientFactory* database_admin = nullptr;
  db::RootHistoryRepository* root_history = nullptr;
  // Backups (issue 12). Without `backups` the /backups routes answer 501.
  db::BackupRepository* backups = nullptr;
  // Backup schedules; without them /instances/{id}/backup_schedule answers
  // 501.
  db::BackupScheduleRepository* backup_schedules = nullptr;
  std::chrono::milliseconds guest_call_timeout{30000};
};

}  // namespace automat::api
