#pragma once
// The CassandraManager's unit-test world: a fake ring's roles and CQL
// sessions (FakeCluster, FakeSession), a scripted CassandraServer
// (FakeCassandraServer) and the CassandraManagerTest fixture, shared by
// cassandra_guest_manager_test.cc.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <regex>

#include "common/clock.h"
#include "common/error.h"
#include "common/status.h"
#include "datastores/cassandra/cassandra_guest.grpc.pb.h"
#include "datastores/cassandra/guest_cassandra_manager.h"
#include "tests/fakes/fake_wait_clock.h"

namespace automat::datastores::cassandra::manager_world {

using namespace std::chrono_literals;

constexpr const char* kAddress = "127.32.0.11";

const char* kStatus =
    "Datacenter: dc1\n===============\nStatus=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n"
    "--  Address      Load       Tokens  Owns (effective)  Host ID                               "
    "Rack \n"
    "UN  127.32.0.11  3.18 MiB   16      100.0%            96b77901-d3cd-42c4-a28d-eb093760dd4d  "
    "rack1\n"
    "UN  127.32.0.12  72.84 KiB  16      100.0%            7cd736f0-c204-4c10-a0de-b69c22ceb530  "
    "rack2\n";

// Roles and statements shared by the fake server and its sessions.
struct FakeCluster {
  std::mutex mu;
  std::map<std::string, std::string> roles = {{"cassandra", "cassandra"}};
  std::string auth_class = "SimpleStrategy";
  std::string auth_dc1 = "";
  std::vector<std::string> statements;    // "<login>: <cql>"
  std::vector<std::string> reads_at_all;  // the statements run at consistency ALL
  // The next N password changes are refused as too soon after the last.
  int refused_password_changes = 0;

  std::vector<std::string> log() {
    std::lock_guard<std::mutex> lock(mu);
    return statements;
  }
};

std::string unquote(const std::string& literal) {
  return std::regex_replace(literal, std::regex("''"), "'");
}

class FakeSession : public cql::Session {
 public:
  FakeSession(FakeCluster& cluster, std::string login) : c_(cluster), login_(std::move(login)) {}

  cql::ResultSet execute(const std::string& text, cql::Consistency consistency) override {
    static const std::regex create(
        R"re(^CREATE ROLE IF NOT EXISTS "([^"]+)" WITH (?:PASSWORD = '((?:[^']|'')*)' AND )?.*)re");
    static const std::regex alter(
        R"re(^ALTER ROLE "([^"]+)" WITH (?:PASSWORD = '((?:[^']|'')*)'(?: AND |$))?.*)re");
    static const std::regex exists(
        R"re(^SELECT role FROM system_auth.roles WHERE role = '(.*)'$)re");
    static const std::regex auth(R"re(^ALTER KEYSPACE system_auth .*'dc1': (\d+)\}$)re");
    std::lock_guard<std::mutex> lock(c_.mu);
    c_.statements.push_back(login_ + ": " + text);
    if (consistency == cql::Consistency::kAll) c_.reads_at_all.push_back(text);
    std::smatch m;
    if (std::regex_match(text, m, create)) c_.roles.emplace(m[1], unquote(m[2]));
    if (std::regex_match(text, m, alter) && m[2].matched) {
      if (c_.refused_password_changes > 0) {
        --c_.refused_password_changes;
        throw common::bad_request("Password for role " + std::string(m[1]) +
                                  " can only be changed every 5000ms");
      }
      c_.roles[m[1]] = unquote(m[2]);
    }
    if (std::regex_match(text, m, auth)) {
      c_.auth_class = "NetworkTopologyStrategy";
      c_.auth_dc1 = m[1];
    }
    if (text == "DROP ROLE IF EXISTS cassandra") c_.roles.erase("cassandra");
    if (std::regex_match(text, m, exists)) {
      cql::ResultSet rs;
      rs.columns = {"role"};
      if (c_.roles.count(unquote(m[1]))) rs.rows.push_back({unquote(m[1])});
      return rs;
    }
    cql::ResultSet rs;
    if (text == "SELECT role FROM system_auth.roles") {
      rs.columns = {"role"};
      for (const auto& [role, password] : c_.roles) rs.rows.push_back({role});
    }
    if (text.starts_with("SELECT * FROM system_auth.")) rs.columns = {"role"};
    if (text.find("FROM system_schema.keyspaces") != std::string::npos) {
      rs.columns = {"keyspace_name", "replication"};
      const std::string auth_json =
          c_.auth_class == "SimpleStrategy"
              ? R"({"class":"org.apache.cassandra.locator.SimpleStrategy","replication_factor":"1"})"
              : R"({"class":"org.apache.cassandra.locator.NetworkTopologyStrategy","dc1":")" +
                    c_.auth_dc1 + "\"}";
      rs.rows = {
          {"system_auth", auth_json},
          {"system_distributed",
           R"({"class":"org.apache.cassandra.locator.SimpleStrategy","replication_factor":"3"})"}};
    }
    return rs;
  }

 private:
  FakeCluster& c_;
  std::string login_;
};

class FakeCassandraServer : public CassandraServer {
 public:
  explicit FakeCassandraServer(FakeCluster& cluster) : cluster_(cluster) {}

  void configure(const NodeSettings& s) override {
    record("configure:" + s.rack + ":" + s.seeds.front() + "+" + std::to_string(s.seeds.size()));
  }
  void start(const std::string& replace_address, std::chrono::seconds) override {
    record("start:" + replace_address);
    std::unique_lock<std::mutex> lock(mu_);
    gate_cv_.wait(lock, [this] { return !hold_; });
    if (fail_start) throw common::internal_error("Cassandra exited while starting");
    if (fail_start_at_ram_mb && *fail_start_at_ram_mb == ram_mb_) {
      throw common::internal_error("Cassandra exited while starting: could not reserve the heap");
    }
    health_ = Health::kAnswering;
  }
  void stop() override {
    record("stop");
    std::lock_guard<std::mutex> lock(mu_);
    health_ = Health::kDown;
  }
  Health health() override {
    std::lock_guard<std::mutex> lock(mu_);
    return health_;
  }
  int ram_mb() const override { return ram_mb_; }
  void set_ram_mb(int ram_mb) override {
    record("set_ram_mb:" + std::to_string(ram_mb));
    ram_mb_ = ram_mb;
  }
  std::string nodetool(const std::vector<std::string>& args, std::chrono::milliseconds) override {
    record("nodetool:" + args.front());
    if (args.front() == "cleanup" || args.front() == "decommission" || args.front() == "snapshot" ||
        (args.front() == "status" && hold_status)) {
      std::unique_lock<std::mutex> lock(mu_);
      gate_cv_.wait(lock, [this] { return !hold_; });
    }
    if (args.front() == "decommission" && fail_decommission) {
      throw common::internal_error(
          "nodetool decommission on 127.32.0.11 failed: Not enough "
          "live nodes to maintain replication factor");
    }
    if (health() == Health::kDown) throw common::unavailable("not running");
    return args.front() == "status" ? status_text : "";
  }
  std::unique_ptr<cql::Session> cql(const Credentials& login) override {
    if (health() == Health::kDown) throw common::unavailable("CQL refused");
    if (unavailable_logins > 0) {
      --unavailable_logins;
      throw common::unavailable("Unavailable: Cannot achieve consistency level QUORUM");
    }
    std::lock_guard<std::mutex> lock(cluster_.mu);
    const auto it = cluster_.roles.find(login.username);
    if (it == cluster_.roles.end() || it->second != login.password) {
      throw common::Error(common::ErrorCode::kUnauthorized,
                          "Provided username and/or password "
                          "are incorrect");
    }
    return std::make_unique<FakeSession>(cluster_, login.username);
  }
  int64_t free_disk_bytes() override { return 5'000'000'000; }

  void set_health(Health h) {
    std::lock_guard<std::mutex> lock(mu_);
    health_ = h;
  }
  std::atomic<bool> hold_status{false};  // hold() gates nodetool status too
  // When set, start() fails while the heap is sized for this memory.
  std::optional<int> fail_start_at_ram_mb;
  std::atomic<int> unavailable_logins{0};  // the next N logins: roles unreachable
  void hold(bool on) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      hold_ = on;
    }
    gate_cv_.notify_all();
  }
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  size_t count(const std::string& call) {
    const auto c = calls();
    return static_cast<size_t>(std::count(c.begin(), c.end(), call));
  }
  // Whether `call` has been made `n` times within `patience` (woken by each
  // call, never sleeping).
  bool made(const std::string& call, size_t n = 1,
            std::chrono::milliseconds patience = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mu_);
    return calls_cv_.wait_for(lock, patience, [&] {
      return static_cast<size_t>(std::count(calls_.begin(), calls_.end(), call)) >= n;
    });
  }
  bool fail_start = false;
  bool fail_decommission = false;
  std::string status_text = kStatus;

 private:
  void record(const std::string& c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(c);
    }
    calls_cv_.notify_all();
  }
  FakeCluster& cluster_;
  std::mutex mu_;
  std::condition_variable gate_cv_;
  std::condition_variable calls_cv_;  // notified on every call
  bool hold_ = false;
  Health health_ = Health::kDown;
  std::vector<std::string> calls_;
  std::atomic<int> ram_mb_{2048};
};

class CassandraManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("automat-cass-mgr-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "cassandra");
    layout_ = CassandraLayout::under(dir_.string());
    make_manager();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void make_manager() {
    auto server = std::make_unique<FakeCassandraServer>(cluster_);
    server_ = server.get();
    manager_ =
        std::make_unique<CassandraManager>(std::move(server), layout_, kAddress, "inst-1", timing_);
  }

  // A cluster node's request; `replace_address` names a dead node it replaces.
  static proto::PrepareRequest cluster_request(const std::string& replace_address = "") {
    proto::cassandra::PrepareSettings settings;
    settings.set_cluster_name("c1");
    settings.add_seeds("127.32.0.11");
    settings.set_rack("rack1");
    settings.set_replace_address(replace_address);
    proto::PrepareRequest req;
    req.mutable_settings()->PackFrom(settings);
    return req;
  }
  static proto::PrepareRequest standalone_request() {
    proto::cassandra::PrepareSettings settings;
    settings.set_standalone(true);
    proto::PrepareRequest req;
    req.mutable_settings()->PackFrom(settings);
    req.add_databases()->set_name("shop");
    auto* u = req.add_users();
    u->set_name("alice");
    u->set_password("alice-pw");
    u->add_databases("shop");
    return req;
  }

  std::filesystem::path dir_;
  CassandraLayout layout_;
  FakeCluster cluster_;
  FakeCassandraServer* server_ = nullptr;
  std::unique_ptr<CassandraManager> manager_;
  // Logins a test refuses on purpose are given up after a second, not 60.
  // That second, the login retries' pauses and the detail TTLs run on
  // `clock_`, which moves only when the manager pauses or a test moves it.
  automat::testing::FakeWaitClock clock_;
  CassandraManager::Timing timing_{std::chrono::seconds(1), std::chrono::seconds(5),
                                   std::chrono::seconds(60), &clock_};
};

proto::cassandra::Credentials creds(const std::string& username, const std::string& password) {
  proto::cassandra::Credentials c;
  c.set_username(username);
  c.set_password(password);
  return c;
}

}  // namespace automat::datastores::cassandra::manager_world
