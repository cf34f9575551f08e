// automat-conductor: the only consumer of guest messages. Records heartbeats
// and service statuses (dropping stale ones) and sweeps for instances whose
// guest agent went silent. Runs until SIGTERM / SIGINT.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>

#include "common/broker.h"
#include "common/config.h"
#include "common/error.h"
#include "common/log.h"
#include "common/service_args.h"
#include "common/stop_signal.h"
#include "conductor/conductor_consumer.h"
#include "conductor/conductor_settings.h"
#include "conductor/guest_message_handler.h"
#include "conductor/heartbeat_sweeper.h"
#include "db/pg_repositories.h"
#include "db/pool.h"

namespace {

using namespace automat;

constexpr const char* kSection = "conductor";

// One receive loop: its own broker connection, handler and batches.
struct Receiver {
  Receiver(const conductor::ConductorSettings& s, db::HeartbeatRepository& heartbeats)
      : consumer(
            common::make_amqp_consumer(s.amqp_url, s.queue, static_cast<uint16_t>(2 * s.batch))),
        handler(heartbeats, s.guest_secret),
        loop(*consumer, handler, options(s)) {}

  static conductor::ConsumerOptions options(const conductor::ConductorSettings& s) {
    conductor::ConsumerOptions o;
    o.max_batch = static_cast<size_t>(s.batch);
    return o;
  }

  std::unique_ptr<common::Consumer> consumer;
  conductor::GuestMessageHandler handler;
  conductor::ConductorConsumer loop;
};

int run(const conductor::ConductorSettings& s, const sigset_t& signals) {
  db::ConnectionPool pool(s.database_url, s.db_pool_size);
  db::PgHeartbeatRepository heartbeats(pool);
  std::vector<std::unique_ptr<Receiver>> receivers;
  for (int i = 0; i < s.receivers; ++i)
    receivers.push_back(std::make_unique<Receiver>(s, heartbeats));
  conductor::HeartbeatSweeper sweeper(heartbeats, s.expiry);

  common::StopSignal stop;
  std::vector<std::thread> threads;
  for (auto& r : receivers) threads.emplace_back([&stop, &r] { r->loop.run(stop); });
  threads.emplace_back([&] { sweeper.run(stop, s.sweep_interval); });
  common::log::info("conductor.started", {{"queue", s.queue},
                                          {"batch", std::to_string(s.batch)},
                                          {"receivers", std::to_string(s.receivers)},
                                          {"db_pool_size", std::to_string(s.db_pool_size)}});
  const int sig = common::wait_for_stop_signal(signals);
  common::log::info("conductor.stopping", {{"signal", std::to_string(sig)}});
  stop.request();
  for (auto& t : threads) t.join();
  common::log::info("conductor.stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"automat-conductor: records guest heartbeats and marks silent guests"};
  automat::common::ServiceArgs args(app);
  CLI11_PARSE(app, argc, argv);
  const sigset_t signals = common::block_stop_signals();
  automat::common::Config cfg;
  try {
    cfg = args.load();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "automat-conductor: %s\n", e.what());
    return 2;
  }
  automat::common::log::init("automat-conductor", cfg.get(kSection, "log_level", "info"));
  try {
    return run(conductor::ConductorSettings::from(cfg), signals);
  } catch (const std::exception& e) {
    automat::common::log::error("conductor.failed", {{"error", e.what()}});
    return 1;
  }
}
