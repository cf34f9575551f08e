// automat-heartbeat-bench: how many heartbeats per second a running
// automat-conductor records (a benchmark, not a test).
//
// It seeds --guests instances in the database of the config (tenant
// "automat-bench", operations already COMPLETED so no taskmanager acts on
// them), then --publishers threads publish signed heartbeats for them over
// AMQP, each over its own connection with publisher confirms, for --seconds.
// Every guest's last heartbeat carries the status SHUTDOWN; the bench polls
// the database until every guest shows it, i.e. until the conductor has
// worked through everything published. It reports:
//   publish rate  messages confirmed by the broker per second;
//   ingest rate   messages published / time from the first publish until
//                 the conductor recorded the last one (end to end);
//   drain rate    the queue backlog left when publishing stopped / the time
//                 the conductor took to clear it (the conductor alone).
// With --pause-conductor PID (a conductor on this machine; repeatable) it is
// stopped (SIGSTOP) while the bench publishes and resumed (SIGCONT) after, so
// everything published is a backlog and the drain rate is the conductor's
// own capacity, independent of how fast the publishers are.
// Finally it marks the seeded instances deleted.
//
//   automat-heartbeat-bench --config .automat/automat.conf --guests 2000
//       --publishers 8 --seconds 10   (one line)
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "automat/messages.pb.h"
#include "common/broker.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/guest_envelope.h"
#include "common/log.h"
#include "common/service_args.h"
#include "common/status.h"
#include "db/pg_repositories.h"
#include "db/pool.h"

namespace {

using namespace automat;
using Clock = std::chrono::steady_clock;

constexpr const char* kTenant = "automat-bench";
constexpr const char* kFinalStatus = common::service_status::kShutdown;

struct Options {
  int guests = 2000;
  int publishers = 8;
  int seconds = 10;
  std::string queue = common::kConductorQueue;
  std::vector<int> pause_conductors;  // pids; empty: leave them running
};

// Keeps processes stopped for its lifetime (SIGSTOP, then SIGCONT).
class PausedProcesses {
 public:
  explicit PausedProcesses(std::vector<int> pids) : pids_(std::move(pids)) {
    for (int pid : pids_) {
      if (kill(pid, SIGSTOP) != 0) {
        resume();
        throw std::runtime_error("cannot pause process " + std::to_string(pid));
      }
    }
  }
  ~PausedProcesses() { resume(); }

  // Throws unless every pid is an automat-conductor process.
  static void check(const std::vector<int>& pids) {
    for (int pid : pids) {
      std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
      std::string name;
      std::getline(in, name);
      if (name != "automat-conduct") {  // comm is cut at 15 characters
        throw std::runtime_error("process " + std::to_string(pid) + " is not automat-conductor");
      }
    }
  }
  void resume() {
    for (int pid : pids_) kill(pid, SIGCONT);
    pids_.clear();
  }

 private:
  std::vector<int> pids_;
};

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// A datastore version and flavor to hang the bench instances on: the
// defaults of the deployment when there are some.
db::Instance instance_template(db::ConnectionPool& pool) {
  db::PgCatalogRepository catalog(pool);
  db::PgTokenRepository tokens(pool);
  db::Instance t;
  t.tenant_id = tokens.ensure_tenant(kTenant);
  auto flavors = catalog.list_flavors();
  if (flavors.empty()) {
    catalog.upsert_flavor({"bench", "bench.tiny", 512, 1, 1});
    flavors = catalog.list_flavors();
  }
  t.flavor_id = flavors.front().id;
  std::optional<db::DatastoreVersion> version;
  if (auto ds = catalog.find_datastore("mysql"); ds && !ds->default_version_id.empty()) {
    version = catalog.find_version_by_id(ds->default_version_id);
  }
  if (!version) {
    db::DatastoreVersion v;
    v.name = "bench";
    v.manager = "mysql";
    t.datastore_version_id = catalog.register_version("mysql", v, false);
  } else {
    t.datastore_version_id = version->id;
  }
  t.volume_size_gb = 1;
  t.task = common::task::kNone;
  return t;
}

std::vector<std::string> seed_guests(db::ConnectionPool& pool, int n) {
  db::PgInstanceRepository instances(pool);
  const db::Instance tmpl = instance_template(pool);
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    db::Instance inst = tmpl;
    inst.id = common::crypto::uuid4();
    inst.name = "bench-" + std::to_string(i);
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = inst.tenant_id;
    op.type = "instance.create";
    op.resource_type = "instance";
    op.resource_id = inst.id;
    op.state = common::op_state::kCompleted;
    op.progress = 1.0;
    instances.create_with_operation(inst, op);
    instances.set_task(inst.id, common::task::kNone);
    ids.push_back(inst.id);
  }
  return ids;
}

// Signed heartbeat envelopes for one guest, with strictly increasing sent_us.
class Guest {
 public:
  Guest(std::string id, const std::string& secret)
      : id_(std::move(id)), key_(common::crypto::guest_signing_key(secret, id_)) {}

  std::string next(const std::string& status) {
    const int64_t now = common::to_micros(std::chrono::system_clock::now());
    last_us_ = std::max(last_us_ + 1, now);
    proto::Heartbeat hb;
    hb.set_service_status(status);
    // A small packed report, so the conductor maps one to JSON per beat.
    proto::PingReply report;
    report.set_manager("bench");
    hb.mutable_report()->mutable_datastore()->PackFrom(report);
    proto::GuestEnvelope env;
    env.set_instance_id(id_);
    env.set_method("heartbeat");
    env.set_sent_us(last_us_);
    env.set_payload(hb.SerializeAsString());
    common::sign_envelope(env, key_);
    return env.SerializeAsString();
  }

 private:
  std::string id_;
  std::string key_;
  int64_t last_us_ = 0;
};

// Publishes heartbeats for `guests` round-robin until `stop_at`, then one
// final heartbeat per guest. Adds to `published`.
void publish_loop(const std::string& url, const std::string& queue, std::vector<Guest> guests,
                  Clock::time_point stop_at, std::atomic<uint64_t>& published) {
  auto publisher = common::make_amqp_publisher(url);
  size_t i = 0;
  while (Clock::now() < stop_at) {
    publisher->publish(queue, guests[i].next(common::service_status::kRunning));
    published.fetch_add(1, std::memory_order_relaxed);
    i = (i + 1) % guests.size();
  }
  for (auto& g : guests) {
    publisher->publish(queue, g.next(kFinalStatus));
    published.fetch_add(1, std::memory_order_relaxed);
  }
}

// Messages ready in `queue` (passive declare), or -1 when it cannot tell.
long queue_depth(const std::string& url, const std::string& queue) {
  std::string copy = url;
  amqp_connection_info info;
  if (amqp_parse_url(copy.data(), &info) != AMQP_STATUS_OK) return -1;
  amqp_connection_state_t conn = amqp_new_connection();
  long depth = -1;
  amqp_socket_t* s = amqp_tcp_socket_new(conn);
  if (s && amqp_socket_open(s, info.host, info.port) == AMQP_STATUS_OK &&
      amqp_login(conn, (info.vhost && *info.vhost) ? info.vhost : "/", 0, 131072, 0,
                 AMQP_SASL_METHOD_PLAIN, info.user, info.password)
              .reply_type == AMQP_RESPONSE_NORMAL) {
    amqp_channel_open(conn, 1);
    auto* ok = amqp_queue_declare(conn, 1, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0,
                                  amqp_empty_table);
    if (ok) depth = ok->message_count;
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(conn);
  return depth;
}

// How many of the tenant's instances show the final status.
size_t finished_guests(db::PgInstanceRepository& instances, const std::string& tenant_id) {
  size_t n = 0;
  for (const auto& inst : instances.list(tenant_id)) n += inst.service_status == kFinalStatus;
  return n;
}

int run(const common::Config& cfg, const Options& opt) {
  PausedProcesses::check(opt.pause_conductors);
  const std::string url = cfg.get("conductor", "amqp_url");
  const std::string secret = cfg.get("conductor", "guest_secret");
  db::ConnectionPool pool(cfg.get("conductor", "database_url"), 2);
  db::PgInstanceRepository instances(pool);

  std::printf("seeding %d guests...\n", opt.guests);
  const std::vector<std::string> ids = seed_guests(pool, opt.guests);
  const std::string tenant_id = instances.find_any(ids.front())->tenant_id;

  std::vector<std::vector<Guest>> slices(opt.publishers);
  for (size_t i = 0; i < ids.size(); ++i) slices[i % opt.publishers].emplace_back(ids[i], secret);

  std::atomic<uint64_t> published{0};
  PausedProcesses paused(opt.pause_conductors);
  const auto start = Clock::now();
  const auto stop_at = start + std::chrono::seconds(opt.seconds);
  std::vector<std::thread> threads;
  for (auto& slice : slices) {
    threads.emplace_back(publish_loop, url, opt.queue, std::move(slice), stop_at,
                         std::ref(published));
  }
  for (auto& t : threads) t.join();
  const auto published_at = Clock::now();
  const long backlog = queue_depth(url, opt.queue);
  paused.resume();
  const double n = static_cast<double>(published.load());
  std::printf("guests %d, publishers %d, published %.0f heartbeats in %.2f s%s\n", opt.guests,
              opt.publishers, n, seconds_between(start, published_at),
              opt.pause_conductors.empty() ? "" : " (conductor paused)");
  std::printf("publish rate: %.0f heartbeats/s\n", n / seconds_between(start, published_at));
  std::fflush(stdout);

  while (finished_guests(instances, tenant_id) < ids.size()) {
    if (seconds_between(published_at, Clock::now()) > 300) {
      std::fprintf(stderr, "the conductor did not catch up within 300 s\n");
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto done = Clock::now();

  const double drain_s = seconds_between(published_at, done);
  std::printf("ingest rate:  %.0f heartbeats/s (end to end, %.2f s)\n",
              n / seconds_between(start, done), seconds_between(start, done));
  // Paused, the conductor processed everything published after the resume
  // (its prefetched messages waited in its socket, not in the queue).
  const double backlog_n = !opt.pause_conductors.empty() ? n : static_cast<double>(backlog);
  std::printf("backlog when publishing stopped: %.0f, cleared in %.2f s", backlog_n, drain_s);
  if (backlog_n > 0) std::printf(" -> drain rate %.0f heartbeats/s", backlog_n / drain_s);
  std::printf("\n");

  for (const auto& id : ids) instances.mark_deleted(id);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"automat-heartbeat-bench: heartbeat ingestion rate of a running conductor"};
  automat::common::ServiceArgs args(app);
  Options opt;
  app.add_option("--guests", opt.guests, "simulated guests (instances seeded)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--publishers", opt.publishers, "publishing threads, one AMQP connection each")
      ->check(CLI::Range(1, 256));
  app.add_option("--seconds", opt.seconds, "how long to publish")->check(CLI::Range(1, 3600));
  app.add_option("--queue", opt.queue, "queue the conductor consumes");
  app.add_option("--pause-conductor", opt.pause_conductors,
                 "pid of a conductor to pause while publishing, to measure its drain rate "
                 "(repeatable)");
  CLI11_PARSE(app, argc, argv);
  try {
    const auto cfg = args.load();
    automat::common::log::init("automat-heartbeat-bench", "warn");
    return run(cfg, opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "automat-heartbeat-bench: %s\n", e.what());
    return 1;
  }
}
