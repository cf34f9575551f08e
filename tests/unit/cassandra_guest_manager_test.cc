// CassandraManager's decisions, status transitions and actions over a
// scripted server whose CQL side keeps roles the way Cassandra does
// (tests/unit/cassandra_manager_world.h).
#include <gtest/gtest.h>

#include <future>

#include "datastores/cassandra/guest_cassandra_command.h"
#include "tests/unit/cassandra_manager_world.h"

namespace automat::datastores::cassandra {
namespace {

using namespace std::chrono_literals;
using namespace manager_world;

TEST_F(CassandraManagerTest, NewThenBuildingThenRunning) {
  EXPECT_EQ(manager_->status(), common::service_status::kNew);
  server_->hold(true);
  auto done = std::async(std::launch::async, [&] { manager_->prepare(cluster_request()); });
  ASSERT_TRUE(server_->made("start:"));
  EXPECT_EQ(manager_->status(), common::service_status::kBuilding);
  server_->hold(false);
  done.get();
  EXPECT_EQ(manager_->status(), common::service_status::kRunning);
  EXPECT_EQ(server_->calls().front(), "configure:rack1:127.32.0.11+1");
}

TEST_F(CassandraManagerTest, CrashedShutdownBlockedAndFailed) {
  manager_->prepare(cluster_request());
  server_->set_health(CassandraServer::Health::kDown);
  EXPECT_EQ(manager_->status(), common::service_status::kCrashed);
  server_->set_health(CassandraServer::Health::kUnresponsive);
  EXPECT_EQ(manager_->status(), common::service_status::kBlocked);
  manager_->stop();
  EXPECT_EQ(manager_->status(), common::service_status::kShutdown);
  // A fresh node whose prepare fails reports FAILED, not NEW.
  std::filesystem::remove(layout_.state_file);
  make_manager();
  server_->fail_start = true;
  EXPECT_THROW(manager_->prepare(cluster_request()), common::Error);
  EXPECT_EQ(manager_->status(), common::service_status::kFailed);
}

TEST_F(CassandraManagerTest, AResizeDrainsStopsAndStartsWithTheHeapForTheNewMemory) {
  manager_->prepare(standalone_request());
  const size_t before = server_->calls().size();
  manager_->resize(4096);
  const auto calls = server_->calls();
  EXPECT_EQ(std::vector<std::string>(calls.begin() + before, calls.end()),
            (std::vector<std::string>{"nodetool:drain", "stop", "set_ram_mb:4096", "start:"}));
  EXPECT_EQ(server_->ram_mb(), 4096);
  EXPECT_EQ(heap_mb_for(server_->ram_mb()), 1024) << "a quarter, clamped to 1 GB";
  EXPECT_EQ(manager_->status(), common::service_status::kRunning);
}

TEST_F(CassandraManagerTest, AHeapThatDoesNotStartIsRolledBackAndTheNodeRunsAgain) {
  manager_->prepare(standalone_request());
  server_->fail_start_at_ram_mb = 8192;
  const size_t before = server_->calls().size();
  try {
    manager_->resize(8192);
    FAIL() << "the resize should fail";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    const std::string m = e.what();
    EXPECT_NE(m.find("could not reserve the heap"), std::string::npos) << m;
    EXPECT_NE(m.find("runs again with the heap for 2048 MB"), std::string::npos) << m;
  }
  const auto calls = server_->calls();
  EXPECT_EQ(std::vector<std::string>(calls.begin() + before, calls.end()),
            (std::vector<std::string>{"nodetool:drain", "stop", "set_ram_mb:8192", "start:", "stop",
                                      "set_ram_mb:2048", "start:"}));
  EXPECT_EQ(server_->ram_mb(), 2048);
  EXPECT_EQ(manager_->status(), common::service_status::kRunning);
}

TEST_F(CassandraManagerTest, ANodeNeverPreparedCannotBeResized) {
  try {
    manager_->resize(4096);
    FAIL() << "the resize should be refused";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
  EXPECT_TRUE(server_->calls().empty());
}

TEST_F(CassandraManagerTest, StateSurvivesTheAgent) {
  manager_->prepare(cluster_request());
  make_manager();  // a restarted agent: same files, JVM gone
  EXPECT_EQ(manager_->status(), common::service_status::kCrashed);
  manager_->start();
  EXPECT_EQ(manager_->status(), common::service_status::kRunning);
  EXPECT_EQ(server_->count("start:"), 1u);
}

TEST_F(CassandraManagerTest, InvalidRequestTouchesNothing) {
  auto req = cluster_request();
  req.add_databases()->set_name("bad-name");
  EXPECT_THROW(manager_->prepare(req), common::Error);
  EXPECT_TRUE(server_->calls().empty());
  proto::cassandra::PrepareSettings seedless;
  seedless.set_cluster_name("c1");
  proto::PrepareRequest no_seeds;
  no_seeds.mutable_settings()->PackFrom(seedless);
  EXPECT_THROW(manager_->prepare(no_seeds), common::Error);
  proto::PrepareRequest no_settings;  // a cassandra node needs them
  EXPECT_THROW(manager_->prepare(no_settings), common::Error);
  proto::PrepareRequest foreign = cluster_request();
  foreign.mutable_settings()->PackFrom(proto::Empty());  // another datastore's settings
  EXPECT_THROW(manager_->prepare(foreign), common::Error);
  EXPECT_TRUE(server_->calls().empty());
  EXPECT_THROW(manager_->start(), common::Error);  // never prepared
}

TEST_F(CassandraManagerTest, ReplaceAddressOnlyOnTheFirstBoot) {
  manager_->prepare(cluster_request("127.32.0.9"));
  manager_->prepare(cluster_request("127.32.0.9"));
  const auto calls = server_->calls();
  EXPECT_EQ(server_->count("start:127.32.0.9"), 1u);
  EXPECT_EQ(server_->count("start:"), 1u);
  EXPECT_EQ(server_->count("configure:rack1:127.32.0.11+1"), 1u);  // yaml written once
}

// `nodetool status` of a one-node ring: this node only.
std::string one_node_status() {
  const std::string all = kStatus;
  return all.substr(0, all.find("UN  127.32.0.12"));
}

TEST_F(CassandraManagerTest, StandaloneSecuresItselfAndAppliesUsers) {
  server_->status_text = one_node_status();
  manager_->prepare(standalone_request());
  const auto creds = load_credentials(layout_.credentials);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->username, kStandaloneAdmin);
  EXPECT_GE(creds->password.size(), 24u);
  struct stat st {};
  ASSERT_EQ(::stat(layout_.credentials.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(cluster_.roles.count("cassandra"), 0u);
  EXPECT_EQ(cluster_.roles.at(kStandaloneAdmin), creds->password);
  EXPECT_EQ(cluster_.roles.at("alice"), "alice-pw");
  EXPECT_EQ(cluster_.auth_dc1, "1");
  const auto log = cluster_.log();
  const std::string admin = std::string(kStandaloneAdmin) + ": ";
  EXPECT_NE(std::find(log.begin(), log.end(), admin + "DROP ROLE IF EXISTS cassandra"), log.end());
  EXPECT_NE(std::find(log.begin(), log.end(),
                      admin + "CREATE KEYSPACE IF NOT EXISTS \"shop\" WITH replication = "
                              "{'class': 'SimpleStrategy', 'replication_factor': 1}"),
            log.end());
  EXPECT_NE(std::find(log.begin(), log.end(),
                      admin + "GRANT ALL PERMISSIONS ON KEYSPACE \"shop\" TO \"alice\""),
            log.end());
}

TEST_F(CassandraManagerTest, SecondStandalonePrepareKeepsTheAdmin) {
  manager_->prepare(standalone_request());
  const auto first = load_credentials(layout_.credentials);
  auto again = standalone_request();
  again.mutable_users(0)->clear_password();  // removed by the taskmanager after prepare
  manager_->prepare(again);
  EXPECT_EQ(load_credentials(layout_.credentials)->password, first->password);
  EXPECT_EQ(cluster_.roles.at("alice"), "alice-pw");
  EXPECT_EQ(manager_->status(), common::service_status::kRunning);
  // A user may never take over the node's admin login.
  auto takeover = standalone_request();
  takeover.mutable_users(0)->set_name(kStandaloneAdmin);
  EXPECT_THROW(manager_->prepare(takeover), common::Error);
  EXPECT_EQ(cluster_.roles.at(kStandaloneAdmin), first->password);
}

TEST_F(CassandraManagerTest, SecureClusterIsIdempotent) {
  manager_->prepare(cluster_request());
  EXPECT_NO_THROW(manager_->secure_cluster("admin"));
  // The password is the node's own, stored (0600) for it to log in with.
  const auto stored = load_credentials(layout_.credentials);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->username, "admin");
  EXPECT_GE(stored->password.size(), 24u);
  struct stat st {};
  ASSERT_EQ(::stat(layout_.credentials.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(cluster_.roles, (std::map<std::string, std::string>{{"admin", stored->password}}));
  for (const auto& st : cluster_.log()) {  // a new role is created, never altered at once
    EXPECT_EQ(st.find("ALTER ROLE"), std::string::npos) << st;
  }
  EXPECT_EQ(cluster_.auth_dc1, "2");  // two nodes in the ring
  {
    // Both roles were read at ALL after system_auth got 2 replicas (read
    // repair spreads them), and the default role was checked gone at ALL.
    std::lock_guard<std::mutex> lock(cluster_.mu);
    const auto& reads = cluster_.reads_at_all;
    auto read = [&](const std::string& text) {
      return std::find(reads.begin(), reads.end(), text) != reads.end();
    };
    EXPECT_TRUE(read("SELECT * FROM system_auth.roles WHERE role = 'cassandra'"));
    EXPECT_TRUE(read("SELECT * FROM system_auth.roles WHERE role = 'admin'"));
    ASSERT_FALSE(reads.empty());
    EXPECT_EQ(reads.back(), "SELECT role FROM system_auth.roles WHERE role = 'cassandra'");
    for (const auto& st : cluster_.statements) {
      EXPECT_EQ(st.find("repair"), std::string::npos) << st;
    }
  }
  const size_t statements = cluster_.log().size();
  EXPECT_NO_THROW(manager_->secure_cluster("admin"));
  const auto log = cluster_.log();
  for (size_t i = statements; i < log.size(); ++i) {
    EXPECT_EQ(log[i].find("CREATE ROLE"), std::string::npos) << log[i];
    EXPECT_EQ(log[i].find("ALTER ROLE"), std::string::npos) << log[i];
  }
  EXPECT_EQ(load_credentials(layout_.credentials)->password, stored->password);
  try {
    manager_->secure_cluster("other");
    FAIL() << "secured twice with different admins";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
  EXPECT_EQ(load_credentials(layout_.credentials)->username, "admin") << "the working login kept";
}

TEST_F(CassandraManagerTest, SecuringAgainAfterAnInterruptionUsesThePasswordItStored) {
  manager_->prepare(cluster_request());
  // The first run stops before any role changed (a guest restart would do
  // the same later on): the password is on the node already.
  server_->unavailable_logins = 1'000'000;
  EXPECT_THROW(manager_->secure_cluster("admin"), common::Error);
  const auto kept = load_credentials(layout_.credentials);
  ASSERT_TRUE(kept);
  EXPECT_EQ(cluster_.roles.count("admin"), 0u);
  server_->unavailable_logins = 0;
  EXPECT_NO_THROW(manager_->secure_cluster("admin"));
  EXPECT_EQ(cluster_.roles, (std::map<std::string, std::string>{{"admin", kept->password}}));
  EXPECT_EQ(load_credentials(layout_.credentials)->password, kept->password);
}

TEST_F(CassandraManagerTest, RotateAdminWaitsWhileCassandraRefusesAChangeSoSoon) {
  manager_->prepare(cluster_request());
  manager_->secure_cluster("admin");
  cluster_.refused_password_changes = 2;  // the role was made a moment ago
  const auto began = clock_.now();
  EXPECT_EQ(manager_->rotate_admin("n3w-Secret"), "admin");
  EXPECT_EQ(cluster_.refused_password_changes, 0);
  EXPECT_GE(clock_.now() - began, 2s) << "waited on the manager's clock";
  EXPECT_EQ(cluster_.roles.at("admin"), "n3w-Secret");
  EXPECT_EQ(load_credentials(layout_.credentials)->password, "n3w-Secret");
}

TEST_F(CassandraManagerTest, SecuringWaitsForTheRolesReplicasToBeReachable) {
  manager_->prepare(cluster_request());
  // A ring that just started: the first node does not see the replica of
  // the default role up yet, and its login at QUORUM is Unavailable.
  server_->unavailable_logins = 3;
  EXPECT_NO_THROW(manager_->secure_cluster("admin"));
  EXPECT_EQ(server_->unavailable_logins, 0);
  EXPECT_EQ(cluster_.roles, (std::map<std::string, std::string>{
                                {"admin", load_credentials(layout_.credentials)->password}}));
  // Unreachable until the deadline: the error says why, not "other credentials".
  make_manager();
  manager_->start();
  server_->unavailable_logins = 1'000'000;
  const auto began = clock_.now();
  try {
    manager_->secure_cluster("admin");
    FAIL() << "secured without reaching any role";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("QUORUM"), std::string::npos) << e.what();
  }
  EXPECT_GE(clock_.now() - began, 1s) << "retried until the login timeout, in the fake time";
}

TEST_F(CassandraManagerTest, EnableRootNeedsStoredCredentials) {
  guestagent::DatabaseAdmin* admin = manager_->database_admin();
  ASSERT_NE(admin, nullptr);
  EXPECT_THROW(admin->enable_root({}), common::Error) << "not prepared";
  manager_->prepare(cluster_request());
  EXPECT_THROW(admin->enable_root({}), common::Error) << "no admin login stored";
  manager_->secure_cluster("admin");  // the node keeps the login it secured with
  struct stat st {};
  ASSERT_EQ(::stat(layout_.credentials.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto root = admin->enable_root({});
  EXPECT_EQ(root.name(), "root");
  EXPECT_EQ(cluster_.roles.at("root"), root.password());
  const auto again = admin->enable_root({});
  EXPECT_NE(again.password(), root.password());  // a new password each time
  EXPECT_EQ(cluster_.roles.at("root"), again.password());
}

TEST_F(CassandraManagerTest, RingStatusAndKeyspaces) {
  manager_->prepare(cluster_request());
  const auto ring = manager_->ring_status();
  ASSERT_EQ(ring.nodes_size(), 2);
  EXPECT_EQ(ring.nodes(1).rack(), "rack2");
  const auto ks = manager_->keyspaces();
  EXPECT_EQ(ks[1]["name"], "system_distributed");
  EXPECT_EQ(ks[1]["replication"]["replication_factor"], "3");
}

TEST_F(CassandraManagerTest, UpdateSeedsRewritesTheYamlAndReloads) {
  EXPECT_THROW(manager_->update_seeds({"127.32.0.11"}), common::Error);
  manager_->prepare(cluster_request());
  manager_->update_seeds({"127.32.0.12", "127.32.0.11"});
  EXPECT_EQ(server_->count("configure:rack1:127.32.0.12+2"), 1u);
  EXPECT_EQ(server_->count("nodetool:reloadseeds"), 1u);
  EXPECT_EQ(load_state(layout_.state_file).settings->seeds,
            (std::vector<std::string>{"127.32.0.12", "127.32.0.11"}));
  EXPECT_THROW(manager_->update_seeds({"nope"}), common::Error);
}

TEST_F(CassandraManagerTest, BlockedDuringCleanupAndDecommissionErrorsCarryTheReason) {
  manager_->prepare(cluster_request());
  server_->hold(true);
  auto cleanup = std::async(std::launch::async, [&] { manager_->cleanup(); });
  ASSERT_TRUE(server_->made("nodetool:cleanup"));
  EXPECT_EQ(manager_->status(), common::service_status::kBlocked);
  server_->hold(false);
  EXPECT_NO_THROW(cleanup.get());
  EXPECT_EQ(manager_->status(), common::service_status::kRunning);
  server_->fail_decommission = true;
  try {
    manager_->decommission();
    FAIL() << "decommission error swallowed";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("Not enough live nodes"), std::string::npos);
  }
  EXPECT_EQ(manager_->status(), common::service_status::kRunning);
}

TEST_F(CassandraManagerTest, BadArgumentsAreRefusedBeforeAnythingIsDone) {
  manager_->prepare(cluster_request());
  const size_t statements = cluster_.log().size();
  const std::vector<std::pair<std::string, std::function<void()>>> calls = {
      {"no password", [&] { manager_->use_admin_credentials(creds("admin", "")); }},
      {"no username", [&] { manager_->secure_cluster(""); }},
      {"empty rotation", [&] { manager_->rotate_admin(""); }},
      {"seed not an address", [&] { manager_->update_seeds({"not an address"}); }}};
  for (const auto& [what, call] : calls) {
    try {
      call();
      ADD_FAILURE() << what << " accepted";
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << what << ": " << e.what();
    }
  }
  EXPECT_EQ(cluster_.log().size(), statements);
  EXPECT_FALSE(load_credentials(layout_.credentials).has_value());
}

TEST_F(CassandraManagerTest, ReportIsCachedAndHoldsNoSecret) {
  manager_->prepare(standalone_request());
  const auto report = manager_->node_report();
  ASSERT_TRUE(report.has_ring());
  EXPECT_EQ(report.ring().nodes_size(), 2);
  EXPECT_EQ(report.load_bytes(), 3334472);  // 3.18 MiB, this node's row
  EXPECT_EQ(report.free_disk_bytes(), 5'000'000'000);
  ASSERT_TRUE(report.has_keyspaces());
  EXPECT_EQ(report.keyspaces().keyspaces(0).name(), "system_auth");
  const auto& distributed = report.keyspaces().keyspaces(1);
  EXPECT_EQ(distributed.name(), "system_distributed");
  EXPECT_EQ(distributed.strategy(), "SimpleStrategy");  // the short class name
  EXPECT_EQ(distributed.replication().size(), 1u);      // without the class
  EXPECT_EQ(distributed.replication().count("replication_factor"), 1u);
  EXPECT_EQ(distributed.replication().at("replication_factor"), "3");
  // The heartbeat carries it packed, with no fault.
  const proto::DatastoreReport sent = manager_->report();
  EXPECT_EQ(sent.fault(), "");
  proto::cassandra::NodeReport unpacked;
  ASSERT_TRUE(sent.datastore().UnpackTo(&unpacked));
  EXPECT_EQ(unpacked.SerializeAsString(), report.SerializeAsString());
  const size_t status_calls = server_->count("nodetool:status");
  manager_->node_report();
  EXPECT_EQ(server_->count("nodetool:status"), status_calls);  // cached
  manager_->ring_status();  // observes only: the cached report stays
  const size_t after_observing = server_->count("nodetool:status");
  manager_->node_report();
  EXPECT_EQ(server_->count("nodetool:status"), after_observing);
  // An action that changes the node: the next heartbeat reads the ring anew.
  manager_->use_admin_credentials(creds("admin", "s3cret"));
  manager_->node_report();
  EXPECT_EQ(server_->count("nodetool:status"), after_observing + 1);
  const std::string text = manager_->node_report().DebugString();
  EXPECT_EQ(text.find(load_credentials(layout_.credentials)->password), std::string::npos);
  EXPECT_EQ(text.find("alice-pw"), std::string::npos);
}

TEST_F(CassandraManagerTest, AnActionDoesNotWaitForAReportUnderWay) {
  manager_->prepare(standalone_request());
  server_->hold_status = true;
  server_->hold(true);
  const size_t before = server_->count("nodetool:status");
  auto heartbeat = std::async(std::launch::async, [&] { return manager_->node_report(); });
  ASSERT_TRUE(server_->made("nodetool:status", before + 1));  // the build is in nodetool
  ASSERT_EQ(server_->count("nodetool:status"), before + 1);
  auto action = std::async(std::launch::async,
                           [&] { manager_->use_admin_credentials(creds("admin", "s3cret")); });
  EXPECT_EQ(action.wait_for(2s), std::future_status::ready);
  server_->hold(false);
  heartbeat.get();
  action.get();
  // What was built before the action is not kept: the next report reads anew.
  server_->hold_status = false;
  manager_->node_report();
  EXPECT_EQ(server_->count("nodetool:status"), before + 2);
}

TEST_F(CassandraManagerTest, ASteadyRingIsReadLessOftenThanAChangingOne) {
  timing_.detail_ttl = 20ms;
  timing_.steady_detail_ttl = 1h;
  make_manager();
  manager_->prepare(cluster_request());
  // One node DN: read again once the short TTL passed.
  server_->status_text =
      std::regex_replace(kStatus, std::regex("UN  127.32.0.12"), "DN  127.32.0.12");
  manager_->node_report();
  const size_t changing = server_->count("nodetool:status");
  clock_.advance(40ms);  // past the short TTL, in the manager's clock
  manager_->node_report();
  EXPECT_EQ(server_->count("nodetool:status"), changing + 1);
  // Every node UN: the report is reused past the short TTL...
  server_->status_text = kStatus;
  clock_.advance(40ms);     // past the short TTL, in the manager's clock
  manager_->node_report();  // reads the settled ring
  const size_t steady = server_->count("nodetool:status");
  EXPECT_EQ(steady, changing + 2);
  clock_.advance(40ms);  // past the short TTL, in the manager's clock
  manager_->node_report();
  EXPECT_EQ(server_->count("nodetool:status"), steady);
  // ...until an action changes the node.
  manager_->update_seeds({"127.32.0.11"});
  manager_->node_report();
  EXPECT_EQ(server_->count("nodetool:status"), steady + 1);
}

TEST_F(CassandraManagerTest, ReportOfADownNodeHasNoRing) {
  const auto report = manager_->node_report();
  EXPECT_FALSE(report.has_ring());
  EXPECT_FALSE(report.has_keyspaces());
  EXPECT_FALSE(report.has_load_bytes());
  EXPECT_EQ(report.free_disk_bytes(), 5'000'000'000);
  EXPECT_EQ(server_->count("nodetool:status"), 0u);
}

TEST_F(CassandraManagerTest, AStartingNodeSpendsNoNodetoolOnItsReport) {
  manager_->prepare(cluster_request());
  server_->set_health(CassandraServer::Health::kUnresponsive);  // JVM up, CQL not yet
  const size_t before = server_->count("nodetool:status");
  const auto report = manager_->node_report();
  EXPECT_FALSE(report.has_ring());
  EXPECT_FALSE(report.has_keyspaces());
  EXPECT_EQ(report.free_disk_bytes(), 5'000'000'000);
  EXPECT_EQ(server_->count("nodetool:status"), before);
}

}  // namespace
}  // namespace automat::datastores::cassandra
