// automat-guestagent: one per node. Serves proto GuestAgent on the node's
// address, drives the datastore through its manager and sends heartbeats.
// On SIGTERM/SIGINT it stops serving and exits; the datastore keeps running
// (the compute driver ends the whole session when the node is deleted).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <thread>

#include "common/broker.h"
#include "common/clock.h"
#include "common/guest_conf.h"
#include "common/log.h"
#include "common/service_args.h"
#include "common/status.h"
#include "common/stop_signal.h"
#include "guestagent/database_admin_service.h"
#include "guestagent/guest_jobs.h"
#include "guestagent/guest_server.h"
#include "guestagent/guest_service.h"
#include "guestagent/heartbeat_publisher.h"

namespace automat::guestagent {
namespace {

// A datastore that should run (and was left running by an earlier agent, or
// died with the node) is taken back into this agent's care.
void resume_datastore(DatastoreManager& manager, const std::string& instance_id) {
  try {
    const std::string status = manager.status();
    if (status == common::service_status::kNew || status == common::service_status::kShutdown) {
      return;
    }
    manager.start();  // idempotent; adopts a datastore left by an earlier agent
  } catch (const std::exception& e) {
    common::log::error("datastore.resume_failed", {{"instance", instance_id}, {"error", e.what()}});
  }
}

int run(const common::GuestConf& cfg, const sigset_t& stop_signals) {
  auto manager = make_datastore_manager(cfg.manager, node_context(cfg));
  if (!manager) {
    common::log::error("guestagent.unknown_manager", {{"manager", cfg.manager}});
    return 2;
  }
  auto publisher = common::make_amqp_publisher(cfg.amqp_url);
  common::SystemClock clock;
  HeartbeatPublisher heartbeat(*manager, *publisher, clock, cfg.instance_id, cfg.signing_key,
                               std::chrono::seconds(cfg.heartbeat_interval), cfg.volume_dir);
  // Long work (a decommission, a cleanup) runs as jobs recorded under the
  // instance's directory, so a restarted agent reports its earlier ones.
  JobRunner jobs(cfg.instance_dir + "/jobs", clock);
  GuestService service(*manager, {cfg.instance_id, cfg.token, cfg.datastore_version}, jobs,
                       [&heartbeat] { heartbeat.notify(); });
  // The datastore's own contract, when it has one, on the same port.
  std::unique_ptr<grpc::Service> datastore_service =
      manager->make_service({service.guard(), jobs, [&heartbeat] { heartbeat.notify(); }});
  // The datastore's database administration, when it has one, on the same port.
  std::unique_ptr<DatabaseAdminService> admin;
  if (DatabaseAdmin* database_admin = manager->database_admin()) {
    admin = std::make_unique<DatabaseAdminService>(*database_admin, cfg.instance_id, cfg.token);
  }
  auto server =
      start_guest_server({&service, datastore_service.get(), admin.get()}, cfg.address, cfg.port);
  common::log::info("guestagent.started",
                    {{"instance", cfg.instance_id},
                     {"manager", cfg.manager},
                     {"listen", cfg.address + ":" + std::to_string(cfg.port)}});
  heartbeat.start();
  std::thread resume([&] {
    resume_datastore(*manager, cfg.instance_id);
    heartbeat.notify();
  });

  const int sig = common::wait_for_stop_signal(stop_signals);
  common::log::info("guestagent.stopping",
                    {{"instance", cfg.instance_id}, {"signal", std::to_string(sig)}});
  // Calls still running after a second are cancelled (a prepare's work
  // finishes in its thread; Wait() waits for it).
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  resume.join();
  heartbeat.stop();
  server->Wait();
  common::log::info("guestagent.stopped", {{"instance", cfg.instance_id}});
  return 0;
}

}  // namespace
}  // namespace automat::guestagent

int main(int argc, char** argv) {
  using namespace automat;
  CLI::App app{"automat-guestagent: runs one datastore node"};
  common::ServiceArgs args(app);
  CLI11_PARSE(app, argc, argv);
  const sigset_t stop_signals = automat::common::block_stop_signals();
  // Children reset it; a closed client socket must not kill the guest.
  signal(SIGPIPE, SIG_IGN);
  common::GuestConf cfg;
  try {
    cfg = common::parse_guest_conf(args.load());
  } catch (const std::exception& e) {
    std::cerr << "automat-guestagent: " << e.what() << "\n";
    return 2;
  }
  common::log::init("guestagent", cfg.log_level);
  try {
    return guestagent::run(cfg, stop_signals);
  } catch (const std::exception& e) {
    common::log::error("guestagent.failed", {{"instance", cfg.instance_id}, {"error", e.what()}});
    return 1;
  }
}
