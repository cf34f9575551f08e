#include "datastores/cassandra/guest_cassandra_manager.h"

#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"
#include "datastores/cassandra/guest_cassandra_auth.h"
#include "datastores/cassandra/guest_cassandra_command.h"
#include "datastores/cassandra/guest_cassandra_cql.h"
#include "datastores/cassandra/guest_cassandra_jvm.h"

namespace automat::datastores::cassandra {

using guestagent::NodeLifecycle;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

namespace {

// Joining with bootstrap (or replacing) streams data: it may take long.
constexpr auto kStartTimeout = seconds(600);
constexpr auto kStatusTimeout = seconds(30);
// nodetool drain flushes every memtable: seconds on a small node.
constexpr auto kDrainTimeout = seconds(300);

}  // namespace

CassandraManager::CassandraManager(std::unique_ptr<CassandraServer> server, CassandraLayout layout,
                                   std::string address, std::string instance_id, Timing timing)
    : server_(std::move(server)),
      layout_(std::move(layout)),
      address_(std::move(address)),
      instance_id_(std::move(instance_id)),
      timing_(timing),
      record_(layout_.state_file, load_state(layout_.state_file), save_state),
      lifecycle_(
          {"the Cassandra node " + instance_id_,
           "Cassandra on node " + instance_id_ + " is not answering CQL; retry once it runs again",
           [this] { return server_->health(); },
           [this] {
             const CassandraState s = record_.get();
             return NodeLifecycle::Record{s.prepared, s.should_run};
           },
           [this] { return maintenance_.load(); }}),
      changes_(lifecycle_, server_steps()) {
  admin_ = std::make_unique<CassandraDatabaseAdmin>(
      *server_,
      CassandraDatabaseAdmin::Node{[this] { return lifecycle_.admin_gate(); },
                                   [this] {
                                     auto stored = load_credentials(layout_.credentials);
                                     if (!stored) {
                                       throw common::conflict(
                                           "the Cassandra node " + instance_id_ +
                                           " has no admin credentials yet; secure it first");
                                     }
                                     return *stored;
                                   },
                                   [this] {
                                     const auto settings = record_.get().settings;
                                     return keyspace_replication(settings && settings->standalone);
                                   }},
      std::chrono::seconds(30), *timing_.clock);
}

std::string CassandraManager::keyspace_replication(bool standalone) {
  return standalone ? simple_replication(1) : network_replication(replication_per_dc(ring()));
}

std::vector<RingNode> CassandraManager::ring() {
  return parse_nodetool_status(server_->nodetool({"status"}, kStatusTimeout));
}

Credentials CassandraManager::admin_login() const {
  if (auto stored = load_credentials(layout_.credentials)) return *stored;
  return default_login();
}

void CassandraManager::prepare(const proto::PrepareRequest& req) {
  auto turn = lifecycle_.begin_prepare();
  // Validate everything before the first change on disk.
  const NodeSettings settings = node_settings(req.settings(), address_);
  validate_keyspaces_and_users(req, admin_login().username);
  const CassandraState before = record_.get();
  if (!before.prepared) {
    server_->configure(settings);
    record_.update([&](CassandraState& s) { s.settings = settings; });
  }
  record_.update([](CassandraState& s) { s.should_run = true; });
  // replace_address_first_boot only until the replacement completed once.
  server_->start(before.prepared ? "" : settings.replace_address, kStartTimeout);
  if (settings.standalone) secure_standalone();
  apply_keyspaces_and_users(req, settings.standalone);
  record_.update([](CassandraState& s) { s.prepared = true; });
  turn.succeeded();
  common::log::info("cassandra.prepared", {{"instance", instance_id_},
                                           {"databases", std::to_string(req.databases_size())},
                                           {"users", std::to_string(req.users_size())}});
}

void CassandraManager::secure_standalone() {
  auto admin = load_credentials(layout_.credentials);
  if (!admin) {
    // Stored before the role exists: a crash in between retries with the
    // same password instead of locking the node out.
    admin = Credentials{kStandaloneAdmin, common::crypto::random_password(32)};
    store_credentials(layout_.credentials, *admin);
  }
  secure_ring(*server_, *admin, ring(), timing_.login_timeout, *timing_.clock);
}

void CassandraManager::apply_keyspaces_and_users(const proto::PrepareRequest& req,
                                                 bool standalone) {
  if (req.databases_size() == 0 && req.users_size() == 0) return;
  const std::string replication = keyspace_replication(standalone);
  const Credentials admin = admin_login();
  const KeyspacePlan plan = keyspaces_and_users_plan(req, replication, admin.username);
  auto session = login_until(*server_, admin, kCqlLoginTimeout, *timing_.clock);
  apply_plan(*session, plan);
}

guestagent::ServerChanges::Steps CassandraManager::server_steps() {
  guestagent::ServerChanges::Steps steps;
  steps.set_should_run = [this](bool run) {
    record_.update([run](CassandraState& s) { s.should_run = run; });
  };
  // Never configured, so never started.
  steps.set_up = [this] { return record_.get().settings.has_value(); };
  steps.start = [this] { server_->start("", kStartTimeout); };
  steps.stop = [this] {
    server_->stop();
    forget_detail();
  };
  steps.before_resize = [this] {
    if (server_->health() != CassandraServer::Health::kDown) {
      // Flushed memtables and no client writes: the restart replays no commit log.
      server_->nodetool({"drain"}, kDrainTimeout);
    }
  };
  steps.ram_mb = [this] { return server_->ram_mb(); };
  steps.configure = [this](int ram_mb) { server_->set_ram_mb(ram_mb); };
  steps.not_started = [](int ram_mb, int old_ram_mb, const std::string& reason) {
    return "Cassandra did not start with the heap for " + std::to_string(ram_mb) + " MB (" +
           reason + "); it runs again with the heap for " + std::to_string(old_ram_mb) + " MB";
  };
  steps.event = "cassandra";
  steps.instance = instance_id_;
  return steps;
}

void CassandraManager::start() { changes_.start(); }

void CassandraManager::stop() { changes_.stop(); }

void CassandraManager::restart() { changes_.restart(); }

void CassandraManager::resize(int ram_mb) {
  changes_.resize(ram_mb);
  common::log::info("cassandra.resized", {{"instance", instance_id_},
                                          {"ram_mb", std::to_string(ram_mb)},
                                          {"heap_mb", std::to_string(heap_mb_for(ram_mb))}});
}

std::string CassandraManager::status() { return lifecycle_.status(); }

proto::DatastoreReport CassandraManager::report() {
  proto::DatastoreReport report;
  report.mutable_datastore()->PackFrom(node_report());
  return report;
}

proto::cassandra::NodeReport CassandraManager::node_report() {
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(detail_mu_);
    const auto ttl = detail_steady_ ? timing_.steady_detail_ttl : timing_.detail_ttl;
    if (detail_ && timing_.clock->now() - detail_at_ < ttl) return *detail_;
    generation = detail_generation_;
  }
  // Built without the lock: an action's forget_detail() must not wait for
  // a nodetool run under way (it did, adding a second to every
  // store_credentials of a ring being secured).
  proto::cassandra::NodeReport built = build_report();
  std::lock_guard<std::mutex> lock(detail_mu_);
  if (generation == detail_generation_) {  // nothing changed the node meanwhile
    detail_ = built;
    detail_at_ = timing_.clock->now();
    detail_steady_ = ring_settled(built);
  }
  return built;
}

void CassandraManager::forget_detail() {
  std::lock_guard<std::mutex> lock(detail_mu_);
  detail_.reset();
  ++detail_generation_;
}

bool CassandraManager::ring_settled(const proto::cassandra::NodeReport& report) {
  if (!report.has_ring() || report.ring().nodes().empty()) return false;
  for (const auto& n : report.ring().nodes()) {
    if (n.state() != "UN") return false;
  }
  return true;
}

proto::cassandra::NodeReport CassandraManager::build_report() {
  proto::cassandra::NodeReport c;
  c.set_free_disk_bytes(server_->free_disk_bytes());
  // Only a node that answers CQL reports the ring: a nodetool run costs
  // about a CPU-second, and while a node starts (when its ring says
  // nothing the control plane waits for) that second is taken from the
  // start itself. A joining node's ring is read by ring_status instead.
  if (server_->health() != CassandraServer::Health::kAnswering) return c;
  try {
    const auto nodes = ring();
    *c.mutable_ring() = ring_reply(nodes);
    for (const auto& n : nodes) {
      if (n.address == address_ && n.load_bytes) c.set_load_bytes(*n.load_bytes);
    }
  } catch (const common::Error& e) {
    common::log::debug("cassandra.detail_ring_failed",
                       {{"instance", instance_id_}, {"error", e.what()}});
  }
  try {
    auto session = server_->cql(admin_login());
    *c.mutable_keyspaces() = keyspace_list(*session);
  } catch (const common::Error& e) {
    common::log::debug("cassandra.detail_keyspaces_failed",
                       {{"instance", instance_id_}, {"error", e.what()}});
  }
  return c;
}

std::unique_ptr<guestagent::DatastoreManager> make_guest_manager(
    const guestagent::NodeContext& node) {
  CassandraLayout layout = CassandraLayout::under(node.files_dir());
  auto server = std::make_unique<CassandraJvm>(layout, node.address, node.instance_id,
                                               node.image_location, node.ram_mb);
  return std::make_unique<CassandraManager>(std::move(server), std::move(layout), node.address,
                                            node.instance_id);
}

}  // namespace automat::datastores::cassandra
