// automat-api: the REST API (Trove v1.0 shapes). Authenticates, validates,
// writes desired state plus an operation, publishes the task, answers 202.
// Runs until SIGTERM / SIGINT.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "api/api_config.h"
#include "api/http_server.h"
#include "api/router.h"
#include "common/broker.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/service_args.h"
#include "common/stop_signal.h"
#include "datastores/api_registry.h"
#include "db/pg_backup_repository.h"
#include "db/pg_backup_schedule_repository.h"
#include "db/pg_cluster_repository.h"
#include "db/pg_quota_repository.h"
#include "db/pg_repositories.h"
#include "db/pg_root_history.h"
#include "db/pool.h"
#include "guestclient/grpc_database_admin_client.h"

namespace {

using namespace automat;

int run(const api::ApiConfig& cfg, const sigset_t& signals) {
  db::ConnectionPool pool(cfg.database_url, cfg.db_pool_size);
  db::PgTokenRepository tokens(pool);
  db::PgCatalogRepository catalog(pool);
  db::PgInstanceRepository instances(pool);
  db::PgOperationRepository operations(pool);
  db::PgClusterRepository clusters(pool);
  db::PgQuotaRepository quotas(pool);
  const auto publisher = common::make_amqp_publisher(cfg.amqp_url);
  const common::SystemClock clock;

  api::ApiServices services{&tokens,
                            &catalog,
                            &instances,
                            &operations,
                            publisher.get(),
                            &clock,
                            &datastores::api_strategy,
                            cfg.limits};
  services.clusters = &clusters;
  services.cluster_strategies = &datastores::cluster_strategy;
  services.quotas = &quotas;
  services.quota_defaults = cfg.quota_defaults;
  services.region = cfg.region;
  // Databases, users and root: through each instance's guest.
  guestclient::GrpcDatabaseAdminClients guests(cfg.guest_secret);
  db::PgRootHistory root_history(pool);
  services.database_admin = &guests;
  services.root_history = &root_history;
  db::PgBackupRepository backups(pool);
  services.backups = &backups;
  db::PgBackupScheduleRepository backup_schedules(pool);
  services.backup_schedules = &backup_schedules;
  services.guest_call_timeout = cfg.guest_call_timeout;
  api::Router router(services, cfg.public_endpoint);
  api::HttpServer server(router, cfg.server);
  server.start();

  const int sig = common::wait_for_stop_signal(signals);
  common::log::info("api.stopping", {{"signal", std::to_string(sig)}});
  server.stop();
  common::log::info("api.stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"automat-api: the Automat REST API"};
  common::ServiceArgs args(app);
  CLI11_PARSE(app, argc, argv);
  const sigset_t signals = common::block_stop_signals();
  api::ApiConfig cfg;
  try {
    cfg = api::load_api_config(args.load());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "automat-api: %s\n", e.what());
    return 2;
  }
  common::log::init("automat-api", cfg.log_level);
  try {
    return run(cfg, signals);
  } catch (const std::exception& e) {
    common::log::error("api.failed", {{"error", e.what()}});
    return 1;
  }
}
