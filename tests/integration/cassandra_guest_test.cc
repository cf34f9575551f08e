// The real Cassandra guest manager on real Apache Cassandra 5.0 JVMs from
// the image in $AUTOMAT_CASSANDRA_IMAGE (fails, never skips, when unset): a
// two-node ring over two racks on 127.32.0.1/127.32.0.2 (seed = the first,
// auto_bootstrap off), secured through the manager, then a standalone node
// with a user and a keyspace. At most two JVMs run at once. The tests build
// on each other, in order.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "common/error.h"
#include "common/process_table.h"
#include "common/status.h"
#include "datastores/cassandra/common_cql_client.h"
#include "datastores/cassandra/guest_cassandra_command.h"
#include "datastores/cassandra/guest_cassandra_layout.h"
#include "datastores/cassandra/guest_cassandra_manager.h"
#include "datastores/guest_registry.h"
#include "guestagent/child_process.h"

namespace automat::datastores::cassandra {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* kAddresses[] = {"127.32.0.1", "127.32.0.2", "127.32.0.3"};
const char* kAdmin = "ring_admin";
const char* kAdminPassword = "adm'n-pw\"1";

// Pids of live JVMs whose command line reads `yaml`.
std::vector<pid_t> jvm_pids(const std::string& yaml) {
  std::vector<pid_t> pids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (!common::process_alive(pid)) continue;
    if (common::command_line_of(pid).find("-Dcassandra.config=file://" + yaml) !=
        std::string::npos) {
      pids.push_back(pid);
    }
  }
  return pids;
}

std::unique_ptr<cql::Session> login(const std::string& address, const std::string& user,
                                    const std::string& password) {
  return cql::connect({.host = address, .port = 9042, .username = user, .password = password});
}

// Retries `login` until it succeeds or `timeout` passes (roles reach a
// node's caches within seconds); rethrows the last error.
std::unique_ptr<cql::Session> login_within(const std::string& address, const std::string& user,
                                           const std::string& password,
                                           std::chrono::seconds timeout = 30s) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    try {
      return login(address, user, password);
    } catch (const common::Error&) {
      if (Clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(500ms);
  }
}

// True once a login as user/password is refused as unauthorized.
bool refused_within(const std::string& address, const std::string& user,
                    const std::string& password, std::chrono::seconds timeout = 30s) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    try {
      login(address, user, password);
    } catch (const common::Error& e) {
      if (e.code() == common::ErrorCode::kUnauthorized) return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(500ms);
  }
}

// Runs `statement` until it succeeds or `timeout` passes: right after DDL
// the other node may not have the new schema yet (INCOMPATIBLE_SCHEMA).
cql::ResultSet execute_within(cql::Session& session, const std::string& statement,
                              cql::Consistency consistency, std::chrono::seconds timeout = 30s) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    try {
      return session.execute(statement, consistency);
    } catch (const common::Error&) {
      if (Clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(500ms);
  }
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class CassandraGuestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* image = std::getenv("AUTOMAT_CASSANDRA_IMAGE");
    ASSERT_NE(image, nullptr) << "AUTOMAT_CASSANDRA_IMAGE must name a Cassandra image "
                                 "(lib/ and conf/); ./run_tests.sh exports it";
    ASSERT_TRUE(std::filesystem::is_directory(std::string(image) + "/lib")) << image;
    char tmpl[] = "/tmp/automat-it-cassandra-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    for (int i = 0; i < 3; ++i) {
      guestagent::NodeContext& n = nodes_[i];
      n.instance_id = "cass-it-" + std::to_string(i + 1);
      n.address = kAddresses[i];
      n.instance_dir = dir_ + "/" + n.instance_id;
      n.datastore_version = "5.0.9";
      n.image_location = image;
      n.ram_mb = 1024;  // heap 256 MB
      std::filesystem::create_directories(n.instance_dir);
    }
  }

  static void TearDownTestSuite() {
    for (auto& m : managers_) m.reset();
    for (const auto& n : nodes_) {
      if (n.instance_dir.empty()) continue;
      for (pid_t pid : jvm_pids(CassandraLayout::under(n.instance_dir).config)) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
    // JVMs of managers dropped earlier are our children too: reap them.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void SetUp() override { ASSERT_FALSE(nodes_[2].instance_dir.empty()) << "suite set-up failed"; }

  static guestagent::DatastoreManager& manager(int i) {
    if (!managers_[i]) managers_[i] = datastores::guest_manager("cassandra", nodes_[i]);
    return *managers_[i];
  }

  static proto::PrepareRequest ring_request(const std::string& rack) {
    proto::cassandra::PrepareSettings settings;
    settings.set_cluster_name("it ring");
    settings.add_seeds(kAddresses[0]);
    settings.set_rack(rack);
    settings.set_dc("dc1");
    settings.set_auto_bootstrap(false);
    proto::PrepareRequest req;
    req.mutable_settings()->PackFrom(settings);
    return req;
  }

  static CassandraManager& cassandra(int i) {
    auto* m = dynamic_cast<CassandraManager*>(&manager(i));
    if (!m) throw std::logic_error("not a Cassandra manager");
    return *m;
  }

  // Node i's RingStatus as JSON ([{"address","state","rack","dc","host_id","load_bytes"}]).
  static json ring_of(int i) {
    json nodes = json::array();
    const auto ring = cassandra(i).ring_status();
    for (const auto& n : ring.nodes()) {
      nodes.push_back({{"address", n.address()},
                       {"state", n.state()},
                       {"rack", n.rack()},
                       {"dc", n.dc()},
                       {"host_id", n.host_id()},
                       {"load_bytes", n.has_load_bytes() ? json(n.load_bytes()) : json()}});
    }
    return nodes;
  }

  static proto::cassandra::Credentials admin_credentials() {
    proto::cassandra::Credentials c;
    c.set_username(kAdmin);
    c.set_password(kAdminPassword);
    return c;
  }

  static std::string dir_;
  static guestagent::NodeContext nodes_[3];
  static std::unique_ptr<guestagent::DatastoreManager> managers_[3];
};

std::string CassandraGuestTest::dir_;
guestagent::NodeContext CassandraGuestTest::nodes_[3];
std::unique_ptr<guestagent::DatastoreManager> CassandraGuestTest::managers_[3];

TEST_F(CassandraGuestTest, TwoNodeRingAcrossTwoRacks) {
  EXPECT_EQ(manager(0).status(), common::service_status::kNew);
  auto start = Clock::now();
  manager(0).prepare(ring_request("rack1"));
  std::cout << "[ timing ] seed node prepared in " << seconds_since(start) << " s\n";
  start = Clock::now();
  manager(1).prepare(ring_request("rack2"));
  std::cout << "[ timing ] second node prepared in " << seconds_since(start) << " s\n";
  EXPECT_EQ(manager(0).status(), common::service_status::kRunning);
  EXPECT_EQ(manager(1).status(), common::service_status::kRunning);

  // Gossip settles within seconds: both UN, each with its rack. A node
  // that just joined shows its load as "?" (RingNode.load_bytes absent)
  // until gossip carries it: that is waited for too, never read as a number.
  json nodes;
  const auto deadline = Clock::now() + 60s;
  for (;;) {
    nodes = ring_of(0);
    const auto settled = [](const json& n) {
      return n["state"] == "UN" && n["load_bytes"].is_number();
    };
    const bool both_up = nodes.size() == 2 && settled(nodes[0]) && settled(nodes[1]);
    if (both_up || Clock::now() >= deadline) break;
    std::this_thread::sleep_for(1s);
  }
  ASSERT_EQ(nodes.size(), 2u) << nodes.dump();
  std::map<std::string, std::string> racks;
  for (const auto& n : nodes) {
    EXPECT_EQ(n["state"], "UN") << nodes.dump();
    EXPECT_EQ(n["dc"], "dc1");
    EXPECT_EQ(n["host_id"].get<std::string>().size(), 36u);
    ASSERT_TRUE(n["load_bytes"].is_number()) << nodes.dump();
    EXPECT_GT(n["load_bytes"].get<int64_t>(), 0);
    racks[n["address"]] = n["rack"];
  }
  EXPECT_EQ(racks, (std::map<std::string, std::string>{{kAddresses[0], "rack1"},
                                                       {kAddresses[1], "rack2"}}));

  // The JVMs are children in this session; files where the layout says.
  for (int i = 0; i < 2; ++i) {
    const CassandraLayout l = CassandraLayout::under(nodes_[i].instance_dir);
    const auto pids = jvm_pids(l.config);
    ASSERT_EQ(pids.size(), 1u);
    EXPECT_EQ(common::session_of(pids[0]), ::getsid(0));
    std::ifstream pid_file(l.pid_file);
    pid_t recorded = 0;
    pid_file >> recorded;
    EXPECT_EQ(recorded, pids[0]);
    EXPECT_NE(common::command_line_of(pids[0]).find("-Xmx256M"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(l.log_dir + "/system.log"));
    // Its classes are mapped from the image's class archive, which
    // automat-manage datastore install trained.
    const std::string archive = server_archive_file(nodes_[i].image_location);
    std::ifstream maps("/proc/" + std::to_string(pids[0]) + "/maps");
    const std::string mapped((std::istreambuf_iterator<char>(maps)),
                             std::istreambuf_iterator<char>());
    EXPECT_NE(mapped.find(archive), std::string::npos)
        << "the JVM does not map " << archive
        << "; automat-manage datastore install cassandra trains it";
  }
}

TEST_F(CassandraGuestTest, SecureClusterReplacesTheDefaultSuperuser) {
  const auto admin = admin_credentials();
  const auto start = Clock::now();
  EXPECT_NO_THROW(cassandra(0).secure_cluster(kAdmin));
  std::cout << "[ timing ] secure_cluster took " << seconds_since(start) << " s\n";
  EXPECT_NO_THROW(cassandra(0).secure_cluster(kAdmin));  // idempotent
  // As the workflow does next: the node that secured the ring takes a
  // password of the taskmanager's (right after the role was made: Cassandra
  // refuses it for a few seconds), which the other node then stores.
  EXPECT_EQ(cassandra(0).rotate_admin(kAdminPassword), kAdmin);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NO_THROW(cassandra(i).use_admin_credentials(admin));
    struct stat st {};
    ASSERT_EQ(::stat(CassandraLayout::under(nodes_[i].instance_dir).credentials.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  for (const char* address : {kAddresses[0], kAddresses[1]}) {
    auto session = login_within(address, kAdmin, kAdminPassword);
    const auto rs = session->execute("SELECT role, is_superuser FROM system_auth.roles",
                                     cql::Consistency::kQuorum);
    std::map<std::string, std::string> roles;
    for (const auto& row : rs.rows) roles[*row[0]] = *row[1];
    EXPECT_EQ(roles, (std::map<std::string, std::string>{{kAdmin, "true"}})) << address;
    EXPECT_TRUE(refused_within(address, "cassandra", "cassandra")) << address;
  }
  // system_auth now lives on both nodes.
  const auto keyspaces = cassandra(1).keyspaces();
  bool found = false;
  for (const auto& ks : keyspaces) {
    if (ks["name"] != "system_auth") continue;
    found = true;
    EXPECT_EQ(ks["class"], "NetworkTopologyStrategy");
    EXPECT_EQ(ks["replication"], json({{"dc1", "2"}}));
  }
  EXPECT_TRUE(found) << keyspaces.dump();
}

TEST_F(CassandraGuestTest, EnableRootGivesAWorkingSuperuser) {
  const proto::RootUser root = manager(1).database_admin()->enable_root({});
  EXPECT_EQ(root.name(), "root");
  const std::string password = root.password();
  EXPECT_GE(password.size(), 16u);
  auto session = login_within(kAddresses[0], "root", password);
  session->execute(
      "CREATE KEYSPACE IF NOT EXISTS root_ks WITH replication = {'class': "
      "'NetworkTopologyStrategy', 'dc1': 2}");
  session->execute("CREATE TABLE IF NOT EXISTS root_ks.t (k int PRIMARY KEY, v text)");
  execute_within(*session, "INSERT INTO root_ks.t (k, v) VALUES (1, 'one')",
                 cql::Consistency::kAll);
  auto other = login_within(kAddresses[1], "root", password);
  const auto rs =
      execute_within(*other, "SELECT v FROM root_ks.t WHERE k = 1", cql::Consistency::kAll);
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0][0], "one");
  // A second enable_root changes the password.
  const std::string second = manager(1).database_admin()->enable_root({}).password();
  EXPECT_NE(second, password);
  login_within(kAddresses[1], "root", second);
  EXPECT_TRUE(refused_within(kAddresses[1], "root", password));
}

TEST_F(CassandraGuestTest, KeyspacesDetailAndSeeds) {
  const auto keyspaces = cassandra(0).keyspaces();
  std::map<std::string, json> by_name;
  for (const auto& ks : keyspaces) by_name[ks["name"]] = ks;
  ASSERT_TRUE(by_name.count("system_distributed")) << keyspaces.dump();
  EXPECT_EQ(by_name["system_distributed"]["class"], "SimpleStrategy");
  EXPECT_EQ(by_name["system_distributed"]["replication"]["replication_factor"], "3");
  EXPECT_EQ(by_name["root_ks"]["replication"], json({{"dc1", "2"}}));

  const auto start = Clock::now();
  const proto::DatastoreReport sent = manager(0).report();
  std::cout << "[ timing ] report took " << seconds_since(start) << " s\n";
  proto::cassandra::NodeReport report;
  ASSERT_TRUE(sent.datastore().UnpackTo(&report)) << sent.DebugString();
  const std::string text = report.DebugString();
  EXPECT_EQ(report.ring().nodes_size(), 2) << text;
  EXPECT_GT(report.load_bytes(), 0);
  EXPECT_GT(report.free_disk_bytes(), 0);
  EXPECT_TRUE(report.has_keyspaces());
  EXPECT_EQ(text.find(kAdminPassword), std::string::npos);

  EXPECT_NO_THROW(cassandra(1).update_seeds({kAddresses[0], kAddresses[1]}));
  std::ifstream yaml(CassandraLayout::under(nodes_[1].instance_dir).config);
  std::stringstream ss;
  ss << yaml.rdbuf();
  EXPECT_NE(ss.str().find("seeds: \"127.32.0.1:7000,127.32.0.2:7000\""), std::string::npos);
}

TEST_F(CassandraGuestTest, DecommissionRefusalCarriesNodetoolsReason) {
  // system_auth (and root_ks) have RF 2 on two nodes: Cassandra refuses.
  try {
    cassandra(1).decommission();
    FAIL() << "a decommission below the replication factor went through";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("Not enough live nodes"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ring_of(0).size(), 2u);
  EXPECT_EQ(manager(1).status(), common::service_status::kRunning);
}

TEST_F(CassandraGuestTest, CleanupBlocksTheNodeWhileItRuns) {
  std::atomic<bool> done{false};
  std::atomic<bool> saw_blocked{false};
  std::thread watcher([&] {
    while (!done) {
      if (manager(0).status() == common::service_status::kBlocked) saw_blocked = true;
      std::this_thread::sleep_for(20ms);
    }
  });
  EXPECT_NO_THROW(cassandra(0).cleanup());
  done = true;
  watcher.join();
  EXPECT_TRUE(saw_blocked);
  EXPECT_EQ(manager(0).status(), common::service_status::kRunning);
}

TEST_F(CassandraGuestTest, DeadNodeIsSeenCrashedAndDown) {
  const CassandraLayout l = CassandraLayout::under(nodes_[1].instance_dir);
  const auto pids = jvm_pids(l.config);
  ASSERT_EQ(pids.size(), 1u);
  ::kill(pids[0], SIGKILL);
  // The guest sees its JVM gone; the ring sees the node down.
  const auto crash_deadline = Clock::now() + 30s;
  while (manager(1).status() != common::service_status::kCrashed && Clock::now() < crash_deadline) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(manager(1).status(), common::service_status::kCrashed);
  // Cassandra's failure detector convicts a silent peer within ~30 s.
  const auto deadline = Clock::now() + 120s;
  std::string state;
  json seen;
  while (state != "DN" && Clock::now() < deadline) {
    std::this_thread::sleep_for(2s);
    seen = ring_of(0);
    for (const auto& n : seen) {
      if (n["address"].get<std::string>() == kAddresses[1]) state = n["state"].get<std::string>();
    }
  }
  ASSERT_EQ(state, "DN") << seen.dump();
}

TEST_F(CassandraGuestTest, StopLeavesNoJvm) {
  for (int i = 1; i >= 0; --i) {
    const auto start = Clock::now();
    manager(i).stop();
    std::cout << "[ timing ] node " << i + 1 << " stopped in " << seconds_since(start) << " s\n";
    EXPECT_TRUE(jvm_pids(CassandraLayout::under(nodes_[i].instance_dir).config).empty());
    EXPECT_EQ(manager(i).status(), common::service_status::kShutdown);
  }
  // A stop drops the cached report: no ring from a stopped node.
  proto::cassandra::NodeReport report;
  ASSERT_TRUE(manager(0).report().datastore().UnpackTo(&report));
  EXPECT_FALSE(report.has_ring()) << report.DebugString();
  EXPECT_FALSE(report.has_keyspaces()) << report.DebugString();
}

TEST_F(CassandraGuestTest, StandaloneNodeServesItsUser) {
  proto::cassandra::PrepareSettings standalone;
  standalone.set_standalone(true);
  proto::PrepareRequest req;
  req.mutable_settings()->PackFrom(standalone);
  req.add_databases()->set_name("shop");
  auto* u = req.add_users();
  u->set_name("alice");
  u->set_password("al'ice-pw");
  u->add_databases("shop");
  const auto start = Clock::now();
  manager(2).prepare(req);
  std::cout << "[ timing ] standalone node prepared (secured, user, keyspace) in "
            << seconds_since(start) << " s\n";
  EXPECT_EQ(manager(2).status(), common::service_status::kRunning);

  auto alice = login_within(kAddresses[2], "alice", "al'ice-pw");
  alice->execute("CREATE TABLE shop.orders (id int PRIMARY KEY, item text)");
  alice->execute("INSERT INTO shop.orders (id, item) VALUES (7, 'book')");
  const auto rs = alice->execute("SELECT item FROM shop.orders WHERE id = 7");
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0][0], "book");
  EXPECT_THROW(alice->execute("CREATE KEYSPACE other WITH replication = {'class': "
                              "'SimpleStrategy', 'replication_factor': 1}"),
               common::Error);  // alice owns shop only
  EXPECT_TRUE(refused_within(kAddresses[2], "cassandra", "cassandra"));

  const CassandraLayout l = CassandraLayout::under(nodes_[2].instance_dir);
  struct stat st {};
  ASSERT_EQ(::stat(l.credentials.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const json ks = cassandra(2).keyspaces();  // via the stored admin
  bool shop = false;
  for (const auto& k : ks) shop = shop || (k["name"] == "shop" && k["class"] == "SimpleStrategy");
  EXPECT_TRUE(shop) << ks.dump();

  // A restarted agent finds its JVM through the pid file; a second prepare
  // only re-applies users and keyspaces.
  const auto pids = jvm_pids(l.config);
  ASSERT_EQ(pids.size(), 1u);
  managers_[2].reset();
  EXPECT_EQ(manager(2).status(), common::service_status::kRunning);
  manager(2).prepare(req);
  EXPECT_EQ(jvm_pids(l.config), pids);
  login_within(kAddresses[2], "alice", "al'ice-pw");

  // restart: a new JVM on the same ports (JMX included), the data kept.
  const auto restart_at = Clock::now();
  manager(2).restart();
  std::cout << "[ timing ] standalone node restarted in " << seconds_since(restart_at) << " s\n";
  EXPECT_EQ(manager(2).status(), common::service_status::kRunning);
  const auto after = jvm_pids(l.config);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after, pids);
  auto again = login_within(kAddresses[2], "alice", "al'ice-pw");
  EXPECT_EQ(again->execute("SELECT item FROM shop.orders WHERE id = 7").rows.size(), 1u);

  manager(2).stop();
  EXPECT_TRUE(jvm_pids(l.config).empty());
  EXPECT_EQ(manager(2).status(), common::service_status::kShutdown);
}

}  // namespace
}  // namespace automat::datastores::cassandra
