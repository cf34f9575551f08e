#pragma once
// A taskmanager World (tests/unit/taskmanager_test_world.h) with a cluster
// fake and Cassandra guests that play a ring: a prepared node joins the ring
// (UN in its rack) and every node's heartbeat detail shows the ring (a
// NodeReport), as the conductor would record it. Decommission takes a node out of the ring.
// The ring's admin login is played too: securing, rotating and storing it
// (ring_password, stored_login).
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "datastores/cassandra/common_node_report.h"
#include "datastores/cassandra/common_node_role.h"
#include "datastores/workflow_registry.h"
#include "tests/fakes/fake_cluster_repository.h"
#include "tests/fakes/fake_runner_timing.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {

struct RingWorld {
  World world{"cassandra"};
  FakeClusterRepository clusters{&world.instances, &world.ops, &world.catalog};
  std::string cluster_id = "cluster-1";
  // The runner's time: retries happen at once; a test plays the ring's
  // next move in timing.on_pause.
  FakeRunnerTiming timing;

  std::mutex ring_mu;
  std::set<std::string> up;         // node ids in the ring, UN
  std::vector<std::string> joined;  // in the order their prepare completed
  bool publish = true;              // whether joins update the heartbeats
  // The keyspaces every node reports (the shrink checks read them); by
  // default one with replication factor 2 over the ring.
  std::vector<proto::cassandra::Keyspace> keyspaces = [] {
    proto::cassandra::Keyspace app;
    app.set_name("app");
    app.set_strategy("SimpleStrategy");
    (*app.mutable_replication())["replication_factor"] = "2";
    return std::vector<proto::cassandra::Keyspace>{app};
  }();

  // The ring's admin login as the guests play it: the password the ring
  // accepts (empty: not secured yet) and the one each node stores. The
  // securing job keeps its node's stored password or makes one (as
  // CassandraManager::secure_cluster does); rotate_admin needs the node's
  // stored login to be the ring's. Guarded by ring_mu.
  std::string ring_password;
  std::map<std::string, std::string> stored_login;

  RingWorld() {
    world.services.clusters = &clusters;
    world.catalog.upsert_flavor({"2", "m1.small", 2048, 1, 5});
  }

  // A node row (instance task BUILDING) for the cluster.
  db::Node node(const std::string& id, const std::string& rack, bool seed, int ordinal) {
    db::Node n;
    n.instance_id = id;
    n.zone = rack;
    n.role = datastores::cassandra::role_json(seed, "dc1");
    n.ordinal = ordinal;
    n.instance.id = id;
    n.instance.name = "ring-" + std::to_string(ordinal);
    n.instance.flavor_id = "2";
    n.instance.volume_size_gb = 1;
    n.instance.datastore_version_id = world.version_id;
    n.instance.availability_zone = rack;
    n.instance.task = "BUILDING";
    return n;
  }

  db::Operation new_op(const std::string& type, nlohmann::json input) {
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = world.tenant_id;
    op.type = type;
    op.resource_type = "cluster";
    op.resource_id = cluster_id;
    op.input = std::move(input);
    return op;
  }

  // The cluster (task BUILDING) with `nodes` and its create operation.
  db::Operation create_cluster(const std::vector<db::Node>& nodes) {
    db::Cluster c;
    c.id = cluster_id;
    c.tenant_id = world.tenant_id;
    c.name = "ring";
    c.datastore_version_id = world.version_id;
    c.nodes = nodes;
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& n : nodes) {
      ids.push_back(n.instance_id);
      script_guest(n.instance_id);
    }
    db::Operation op = new_op("cluster.create", {{"instance_ids", ids}});
    clusters.create_with_operation(c, op);
    return op;
  }

  // Starts `type` (task `task`) adding `new_nodes`.
  db::Operation start(const std::string& type, const std::string& task, nlohmann::json input,
                      const std::vector<db::Node>& new_nodes = {}) {
    for (const auto& n : new_nodes) script_guest(n.instance_id);
    db::Operation op = new_op(type, std::move(input));
    if (!clusters.start_operation(cluster_id, task, {}, new_nodes, op)) {
      throw std::runtime_error("start_operation refused");
    }
    return op;
  }

  std::string address(const std::string& id) {
    std::lock_guard<std::mutex> l(world.compute.mu);
    return world.compute.servers.at(id).server.address;
  }

  // The ring of the `up` nodes; caller holds ring_mu.
  proto::cassandra::RingStatusReply ring_reply_locked() {
    proto::cassandra::RingStatusReply ring;
    for (const auto& id : up) {
      {
        std::lock_guard<std::mutex> l(world.compute.mu);
        if (!world.compute.servers.count(id)) continue;  // destroyed
      }
      const db::Node n = clusters_node(id);
      auto* node = ring.add_nodes();
      node->set_address(address(id));
      node->set_state("UN");
      node->set_rack(n.zone);
      node->set_dc("dc1");
      node->set_load_bytes(1000);
      node->set_host_id("00000000-0000-0000-0000-000000000000");
    }
    return ring;
  }
  // The same as the fake guest's ring_status action answers it.
  nlohmann::json ring_locked() {
    nlohmann::json ring = nlohmann::json::array();
    const proto::cassandra::RingStatusReply reply = ring_reply_locked();
    for (const auto& n : reply.nodes()) {
      ring.push_back({{"address", n.address()},
                      {"state", n.state()},
                      {"rack", n.rack()},
                      {"dc", n.dc()},
                      {"load_bytes", n.load_bytes()},
                      {"host_id", n.host_id()}});
    }
    return ring;
  }

  db::Node clusters_node(const std::string& id) {
    std::lock_guard<std::mutex> l(clusters.mu);
    return clusters.nodes.at(id);
  }

  // Every up node reports the ring (RUNNING), as heartbeats would.
  void publish_ring() {
    std::lock_guard<std::mutex> l(ring_mu);
    proto::cassandra::NodeReport report;
    *report.mutable_ring() = ring_reply_locked();
    for (const auto& ks : keyspaces) *report.mutable_keyspaces()->add_keyspaces() = ks;
    report.set_load_bytes(1000);
    report.set_free_disk_bytes(1000000000);
    for (const auto& id : up) {
      clusters.set_detail(id, datastores::cassandra::stored_detail(report));
      world.instances.set_service_status(id, "RUNNING");
    }
  }

  void join(const std::string& id) {
    {
      std::lock_guard<std::mutex> l(ring_mu);
      up.insert(id);
      joined.push_back(id);
      if (!publish) return;
    }
    publish_ring();
  }

  // The guest of `id`: joins on prepare; knows the ring actions.
  void script_guest(const std::string& id) {
    FakeGuest& g = world.guests.guest(id);
    g.on_prepare = [this, id](const proto::PrepareRequest&) { join(id); };
    auto ok = [](FakeGuest&, const nlohmann::json&) { return nlohmann::json::object(); };
    g.actions["secure_cluster"] = [this, id](FakeGuest&, const nlohmann::json&) {
      secure_through(id);
      return nlohmann::json::object();
    };
    g.actions["store_credentials"] = [this, id](FakeGuest&, const nlohmann::json& args) {
      std::lock_guard<std::mutex> l(ring_mu);
      stored_login[id] = args.at("password");
      return nlohmann::json::object();
    };
    g.actions["rotate_admin"] = [this, id](FakeGuest&, const nlohmann::json& args) {
      std::lock_guard<std::mutex> l(ring_mu);
      if (stored_login[id].empty() || stored_login[id] != ring_password) {
        throw common::conflict("node " + id + " holds no working admin login to rotate");
      }
      ring_password = stored_login[id] = args.at("password");
      return nlohmann::json{{"username", "automat_admin"}};
    };
    g.actions["update_seeds"] = ok;
    g.actions["cleanup"] = ok;
    g.actions["ring_status"] = [this](FakeGuest&, const nlohmann::json&) {
      std::lock_guard<std::mutex> l(ring_mu);
      return nlohmann::json{{"nodes", ring_locked()}};
    };
    g.actions["decommission"] = [this, id](FakeGuest&, const nlohmann::json&) {
      std::lock_guard<std::mutex> l(ring_mu);
      up.erase(id);
      return nlohmann::json::object();
    };
  }

  // What a securing job on `id` does: the node's stored password (else a
  // new one, stored first) becomes the ring's; a ring secured with another
  // password refuses it.
  void secure_through(const std::string& id) {
    std::lock_guard<std::mutex> l(ring_mu);
    std::string& mine = stored_login[id];
    if (mine.empty()) mine = common::crypto::random_password(32);
    if (!ring_password.empty() && ring_password != mine) {
      throw common::conflict("the ring was secured with other credentials");
    }
    ring_password = mine;
  }

  // The ring's admin password when every node of `ids` stores it (and the
  // ring is secured); else empty.
  std::string login_held_by(const std::vector<std::string>& ids) {
    std::lock_guard<std::mutex> l(ring_mu);
    for (const auto& id : ids) {
      if (stored_login[id] != ring_password) return "";
    }
    return ring_password;
  }

  // The acts guest `id` received, by action name.
  std::vector<nlohmann::json> acts(const std::string& id, const std::string& action) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    std::vector<nlohmann::json> out;
    for (const auto& [name, args] : world.guests.guest(id).acts) {
      if (name == action) out.push_back(args);
    }
    return out;
  }
  FakeGuest guest(const std::string& id) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    return world.guests.guest(id);
  }

  taskmanager::OperationRunner::Outcome run(const std::string& op_id) {
    using namespace std::chrono_literals;
    taskmanager::OperationRunner runner(world.services, datastores::workflow_factory,
                                        timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}),
                                        world.stop);
    auto op = world.ops.claim(op_id, "tm-1", 30s);
    if (!op) throw std::runtime_error("claim failed");
    return runner.run(*op);
  }

  // Runs `op_id` as run() does, but the taskmanager stops at the first pause
  // (after a step's retry was saved) where `halt` is true: the operation is
  // abandoned where it was, for a later run() to resume. `messages` gets
  // the operation's message at each pause.
  taskmanager::OperationRunner::Outcome run_until(const std::string& op_id,
                                                  const std::function<bool()>& halt,
                                                  std::vector<std::string>* messages = nullptr) {
    using namespace std::chrono_literals;
    common::StopSignal stopping;
    auto before = timing.on_pause;
    timing.on_pause = [&](std::chrono::milliseconds d) {
      if (before) before(d);
      if (messages) messages->push_back(world.op(op_id).message);
      if (halt()) stopping.request();
    };
    taskmanager::OperationRunner runner(world.services, datastores::workflow_factory,
                                        timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}),
                                        stopping);
    auto op = world.ops.claim(op_id, "tm-1", 30s);
    if (!op) throw std::runtime_error("claim failed");
    const auto outcome = runner.run(*op);
    timing.on_pause = before;
    return outcome;
  }

  db::Cluster cluster() { return *clusters.find_any(cluster_id); }
};

}  // namespace automat::testing
