// automat-taskmanager: consumes operations from the task queue and resumes
// those nobody drives, running each as a workflow of persisted steps;
// removes the servers of no live instance (orphans); and starts the backups
// the instances' schedules call for.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <thread>

#include "common/broker.h"
#include "common/error.h"
#include "common/log.h"
#include "common/service_args.h"
#include "compute/registry.h"
#include "datastores/workflow_registry.h"
#include "db/pg_backup_repository.h"
#include "db/pg_backup_schedule_repository.h"
#include "db/pg_cluster_repository.h"
#include "db/pg_repositories.h"
#include "db/pool.h"
#include "guestclient/grpc_guest_client.h"
#include "taskmanager/backup_scheduler.h"
#include "taskmanager/operation_dispatcher.h"
#include "taskmanager/orphan_reaper.h"
#include "taskmanager/owner_id.h"
#include "taskmanager/resume_scanner.h"
#include "taskmanager/task_consumer.h"
#include "taskmanager/taskmanager_settings.h"

namespace tmgr = automat::taskmanager;
using automat::common::Config;

namespace {

// How long a stopping taskmanager lets running steps end before it exits;
// what is left resumes from its cursor in the next taskmanager.
constexpr std::chrono::seconds kStopGrace{20};

int run(const Config& cfg, const sigset_t& signals) {
  const auto settings = tmgr::TaskmanagerSettings::from(cfg);
  const std::string owner = tmgr::make_owner_id();

  automat::db::ConnectionPool pool(settings.database_url,
                                   static_cast<size_t>(settings.db_pool_size));
  automat::db::PgInstanceRepository instances(pool);
  automat::db::PgOperationRepository operations(pool);
  automat::db::PgCatalogRepository catalog(pool);
  automat::db::PgAddressLeaseRepository leases(pool);
  auto compute = automat::compute::make_compute_driver(cfg, leases);
  automat::guestclient::GrpcGuestClientFactory guests(cfg.get("DEFAULT", "guest_secret"));
  automat::db::PgClusterRepository clusters(pool);
  tmgr::Services services{&cfg,          &instances, &operations, &catalog,
                          compute.get(), &guests,    &clusters};
  // Backups: their rows, and the storage their objects go to (the guests
  // get it with each backup or restore call).
  automat::db::PgBackupRepository backups(pool);
  const auto backup_storage = automat::storage::BackupStorageSettings::from(cfg);
  services.backups = &backups;
  services.backup_storage = &backup_storage;

  automat::common::StopSignal stop;
  tmgr::OperationRunner runner(services, automat::datastores::workflow_factory,
                               tmgr::RunnerOptions{owner, settings.lease}, stop);
  tmgr::WorkerPool workers_pool(static_cast<size_t>(settings.workers));
  tmgr::OperationDispatcher dispatcher(workers_pool, operations, runner, owner, settings.lease);
  auto consumer = automat::common::make_amqp_consumer(
      settings.amqp_url, automat::common::kTaskQueue, static_cast<uint16_t>(settings.workers));
  tmgr::TaskConsumer tasks(*consumer, dispatcher, stop);
  tmgr::ResumeScanner scanner(operations, dispatcher, stop, settings.resume_scan_interval,
                              settings.unclaimed_grace);
  tmgr::OrphanReaper reaper(instances, *compute, stop, settings.orphan_scan_interval,
                            settings.orphan_grace);
  // Scheduled backups start as POST /backups and POST /clusters/{id}/backups
  // start one: rows, then a task.
  automat::db::PgBackupScheduleRepository backup_schedules(pool);
  auto publisher = automat::common::make_amqp_publisher(settings.amqp_url);
  const automat::common::SystemClock clock;
  tmgr::BackupScheduler backup_scheduler(backup_schedules, backups, instances, clusters, *publisher,
                                         clock, stop, settings.backup_schedule_scan_interval,
                                         settings.quota_defaults);

  automat::common::log::info(
      "taskmanager.started",
      {{"owner", owner},
       {"workers", std::to_string(settings.workers)},
       {"lease_seconds", std::to_string(settings.lease.count())},
       {"takeover_within_seconds", std::to_string(settings.takeover_bound().count())}});
  std::thread consume_thread([&] { tasks.run(); });
  std::thread scan_thread([&] { scanner.run(); });
  std::thread reap_thread;
  if (settings.orphan_scan_interval.count() > 0) reap_thread = std::thread([&] { reaper.run(); });
  std::thread schedule_thread;
  if (settings.backup_schedule_scan_interval.count() > 0) {
    schedule_thread = std::thread([&] { backup_scheduler.run(); });
  }

  const int sig = automat::common::wait_for_stop_signal(signals);
  automat::common::log::info("taskmanager.stopping", {{"signal", std::to_string(sig)}});
  stop.request();
  consume_thread.join();
  scan_thread.join();
  if (reap_thread.joinable()) reap_thread.join();
  if (schedule_thread.joinable()) schedule_thread.join();
  if (!workers_pool.wait_idle(kStopGrace)) {
    // Steps still running (a long prepare): their operations keep their
    // cursor and lease and resume in the next taskmanager.
    automat::common::log::warn("taskmanager.exit_with_running_steps",
                               {{"running", std::to_string(workers_pool.busy())}});
    std::_Exit(0);
  }
  workers_pool.join();
  automat::common::log::info("taskmanager.stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"automat-taskmanager: runs Automat's operations as resumable workflows"};
  automat::common::ServiceArgs args(app);
  CLI11_PARSE(app, argc, argv);
  // Every thread started from here on leaves SIGTERM/SIGINT to sigwait.
  const sigset_t signals = automat::common::block_stop_signals();
  try {
    const Config cfg = args.load();
    automat::common::log::init("taskmanager", cfg.get("taskmanager", "log_level", "info"));
    return run(cfg, signals);
  } catch (const std::exception& e) {
    automat::common::log::error("taskmanager.fatal", {{"error", e.what()}});
    return 1;
  }
}
