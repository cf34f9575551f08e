// The Cassandra guest's gRPC service (guest_cassandra_service.cc) over the
// scripted server of tests/unit/cassandra_manager_world.h: the long calls
// are jobs, checked before they start, run once under their key.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>

#include "tests/unit/cassandra_manager_world.h"

namespace automat::datastores::cassandra {
namespace {

using namespace std::chrono_literals;
using namespace manager_world;

// A prepared cluster node's service, called in-process with its token.
class CassandraServiceTest : public CassandraManagerTest {
 protected:
  void serve(std::function<void()> changed = [] {}) {
    manager_->prepare(cluster_request());
    jobs_ = std::make_unique<guestagent::JobRunner>((dir_ / "jobs").string(), clock_);
    service_ = manager_->make_service({guard_, *jobs_, std::move(changed)});
    ASSERT_TRUE(service_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    grpc_server_ = builder.BuildAndStart();
    stub_ = proto::cassandra::CassandraGuest::NewStub(
        grpc_server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    if (grpc_server_) grpc_server_->Shutdown();
    stub_.reset();
    grpc_server_.reset();
    service_.reset();
    jobs_.reset();
    CassandraManagerTest::TearDown();
  }

  common::SystemClock clock_;
  guestagent::RpcGuard guard_{"inst-1", "tok"};
  std::unique_ptr<guestagent::JobRunner> jobs_;
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<proto::cassandra::CassandraGuest::Stub> stub_;
};

TEST_F(CassandraServiceTest, TheServiceRunsADecommissionAsAJobOnceUnderItsKey) {
  std::atomic<int> changed{0};
  serve([&] { ++changed; });
  auto call = [&](const std::string& key, bool cleanup = false) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-automat-token", "tok");
    proto::JobRequest req;
    req.set_key(key);
    proto::JobReply reply;
    const grpc::Status s =
        cleanup ? stub_->Cleanup(&ctx, req, &reply) : stub_->Decommission(&ctx, req, &reply);
    return std::make_pair(s, reply);
  };

  server_->hold(true);  // nodetool decommission runs until released
  const auto [started, first] = call("op-1:decommission:inst-1");
  ASSERT_TRUE(started.ok()) << started.error_message();
  EXPECT_EQ(first.state(), proto::JobReply::RUNNING);  // answered at once
  EXPECT_EQ(first.kind(), "decommission");
  ASSERT_TRUE(server_->made("nodetool:decommission"));
  EXPECT_EQ(manager_->status(), common::service_status::kBlocked);
  const auto [again, second] = call("op-1:decommission:inst-1");  // a retried call
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(second.state(), proto::JobReply::RUNNING);
  const auto [other_kind, _] = call("op-1:decommission:inst-1", /*cleanup=*/true);
  EXPECT_EQ(other_kind.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const auto [bad_key, __] = call("no spaces allowed");
  EXPECT_EQ(bad_key.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  server_->hold(false);

  const auto done = jobs_->wait("op-1:decommission:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, guestagent::JobStatus::State::kSucceeded);
  EXPECT_EQ(server_->count("nodetool:decommission"), 1u) << "started once";
  EXPECT_GE(changed.load(), 1) << "a heartbeat follows the job's end";
  server_->fail_decommission = true;
  call("op-2:decommission:inst-1");
  const auto failed = jobs_->wait("op-2:decommission:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(failed.state, guestagent::JobStatus::State::kFailed);
  EXPECT_NE(failed.message.find("Not enough live nodes"), std::string::npos) << failed.message;
}

// A backup's snapshot and clear as jobs: a clear started while the
// snapshot is being taken (a failed backup's) clears it once it is taken.
TEST_F(CassandraServiceTest, TheServiceSnapshotsAsAJobAndAClearMeanwhileWaitsForIt) {
  serve();
  auto snapshot = [&](const std::string& key, const std::string& tag) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-automat-token", "tok");
    proto::cassandra::SnapshotJob req;
    req.set_key(key);
    req.set_tag(tag);
    req.add_keyspaces("shop");
    proto::JobReply reply;
    const grpc::Status s = stub_->StartSnapshot(&ctx, req, &reply);
    return std::make_pair(s, reply);
  };
  auto clear = [&](const std::string& key, const std::string& tag) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-automat-token", "tok");
    proto::cassandra::ClearSnapshotJob req;
    req.set_key(key);
    req.set_tag(tag);
    proto::JobReply reply;
    const grpc::Status s = stub_->StartClearSnapshot(&ctx, req, &reply);
    return std::make_pair(s, reply);
  };

  server_->hold(true);  // nodetool snapshot runs until released
  const auto [started, first] = snapshot("op-1:snapshot:inst-1", "automat-b1");
  ASSERT_TRUE(started.ok()) << started.error_message();
  EXPECT_EQ(first.state(), proto::JobReply::RUNNING);  // answered at once
  EXPECT_EQ(first.kind(), "snapshot");
  ASSERT_TRUE(server_->made("nodetool:snapshot"));
  // The snapshot's directory, as nodetool leaves it.
  std::filesystem::create_directories(std::filesystem::path(layout_.data_dir) / "shop" /
                                      "orders-aa11" / "snapshots" / "automat-b1");
  const auto [again, second] = snapshot("op-1:snapshot:inst-1", "automat-b1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(second.state(), proto::JobReply::RUNNING) << "the same job";
  const auto [clearing, cleared] = clear("op-1:clear-on-failure:inst-1", "automat-b1");
  ASSERT_TRUE(clearing.ok()) << clearing.error_message();
  EXPECT_EQ(cleared.state(), proto::JobReply::RUNNING) << "the clear waits for the snapshot";
  EXPECT_EQ(cleared.kind(), "clear-snapshot");
  EXPECT_EQ(server_->count("nodetool:clearsnapshot"), 0u);
  server_->hold(false);

  EXPECT_EQ(jobs_->wait("op-1:snapshot:inst-1", std::chrono::seconds(5)).state,
            guestagent::JobStatus::State::kSucceeded);
  EXPECT_EQ(jobs_->wait("op-1:clear-on-failure:inst-1", std::chrono::seconds(5)).state,
            guestagent::JobStatus::State::kSucceeded);
  const auto calls = server_->calls();
  const auto taken = std::find(calls.begin(), calls.end(), "nodetool:snapshot");
  const auto gone = std::find(calls.begin(), calls.end(), "nodetool:clearsnapshot");
  EXPECT_EQ(server_->count("nodetool:snapshot"), 1u) << "taken once";
  ASSERT_NE(gone, calls.end()) << "the snapshot taken meanwhile was cleared";
  EXPECT_LT(taken, gone);

  // A bad tag is refused before any job starts.
  EXPECT_EQ(snapshot("op-2:snapshot:inst-1", "a/b").first.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(clear("op-2:clear-snapshot:inst-1", "").first.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(jobs_->status("op-2:snapshot:inst-1").state, guestagent::JobStatus::State::kUnknown);
  // A node whose JVM is down fails its snapshot job with why.
  server_->set_health(CassandraServer::Health::kDown);
  snapshot("op-3:snapshot:inst-1", "automat-b3");
  const auto failed = jobs_->wait("op-3:snapshot:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(failed.state, guestagent::JobStatus::State::kFailed);
  EXPECT_NE(failed.message.find("not running"), std::string::npos) << failed.message;
}

TEST_F(CassandraServiceTest, TheServiceSecuresTheRingAsAJobWhoseAnswersHoldNoPassword) {
  serve();
  auto start = [&](const std::string& key, const std::string& username) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-automat-token", "tok");
    proto::cassandra::SecureClusterJob req;
    req.set_key(key);
    req.set_username(username);
    proto::JobReply reply;
    const grpc::Status s = stub_->StartSecureCluster(&ctx, req, &reply);
    return std::make_pair(s, reply);
  };

  const auto [bad, _] = start("op-1:secure:inst-1", "cassandra");
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "refused before a job starts";
  const auto [started, reply] = start("op-1:secure:inst-1", "admin");
  ASSERT_TRUE(started.ok()) << started.error_message();
  EXPECT_EQ(reply.kind(), "secure");
  const auto done = jobs_->wait("op-1:secure:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, guestagent::JobStatus::State::kSucceeded) << done.message;
  const auto stored = load_credentials(layout_.credentials);
  ASSERT_TRUE(stored);
  EXPECT_EQ(cluster_.roles, (std::map<std::string, std::string>{{"admin", stored->password}}));
  const auto [again, answer] = start("op-1:secure:inst-1", "admin");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(answer.state(), proto::JobReply::SUCCEEDED);
  EXPECT_EQ(answer.DebugString().find(stored->password), std::string::npos);
  EXPECT_EQ(done.message.find(stored->password), std::string::npos);
}

// A restore's schema and truncate (cluster.create from a backup,
// cluster.restore) are jobs: checked at once, run once under their key.
TEST_F(CassandraServiceTest, TheServiceRunsARestoresSchemaAndTruncateAsJobsOnceUnderTheirKeys) {
  serve();
  auto schema = [&](const std::string& key, const std::vector<std::string>& statements) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-automat-token", "tok");
    proto::cassandra::ApplySchemaJob req;
    req.set_key(key);
    for (const auto& s : statements) req.add_statements(s);
    proto::JobReply reply;
    const grpc::Status s = stub_->StartApplySchema(&ctx, req, &reply);
    return std::make_pair(s, reply);
  };
  auto truncate = [&](const std::string& key, const std::string& table) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-automat-token", "tok");
    proto::cassandra::TruncateTablesJob req;
    req.set_key(key);
    req.add_tables(table);
    proto::JobReply reply;
    const grpc::Status s = stub_->StartTruncateTables(&ctx, req, &reply);
    return std::make_pair(s, reply);
  };
  auto ran = [&](const std::string& cql) {
    const auto log = cluster_.log();
    return std::count(log.begin(), log.end(), "cassandra: " + cql);
  };
  const std::vector<std::string> statements = {"CREATE KEYSPACE shop WITH replication = x",
                                               "CREATE TABLE shop.items (id int PRIMARY KEY)"};

  const auto [started, first] = schema("op-1:schema:inst-1", statements);
  ASSERT_TRUE(started.ok()) << started.error_message();
  EXPECT_EQ(first.kind(), "schema");
  EXPECT_EQ(jobs_->wait("op-1:schema:inst-1", std::chrono::seconds(5)).state,
            guestagent::JobStatus::State::kSucceeded);
  EXPECT_EQ(ran("CREATE KEYSPACE IF NOT EXISTS shop WITH replication = x"), 1);
  EXPECT_EQ(ran("CREATE TABLE IF NOT EXISTS shop.items (id int PRIMARY KEY)"), 1);
  const auto [again, second] = schema("op-1:schema:inst-1", statements);  // a retried call
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(second.state(), proto::JobReply::SUCCEEDED);
  EXPECT_EQ(ran("CREATE TABLE IF NOT EXISTS shop.items (id int PRIMARY KEY)"), 1) << "run once";

  const auto [truncated, job] = truncate("op-2:truncate:inst-1", "shop.items");
  ASSERT_TRUE(truncated.ok()) << truncated.error_message();
  EXPECT_EQ(job.kind(), "truncate");
  EXPECT_EQ(jobs_->wait("op-2:truncate:inst-1", std::chrono::seconds(5)).state,
            guestagent::JobStatus::State::kSucceeded);
  EXPECT_EQ(ran("TRUNCATE \"shop\".\"items\""), 1);
  EXPECT_EQ(cluster_.reads_at_all.back(), "TRUNCATE \"shop\".\"items\"") << "at ALL";
  truncate("op-2:truncate:inst-1", "shop.items");
  EXPECT_EQ(ran("TRUNCATE \"shop\".\"items\""), 1) << "run once";

  // Refused at once, no job started: what is no CREATE, what is no table,
  // and (kUnavailable, so the taskmanager retries) a node not answering CQL.
  EXPECT_EQ(schema("op-3:schema:inst-1", {"DROP KEYSPACE shop"}).first.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(truncate("op-3:truncate:inst-1", "shop").first.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  server_->set_health(CassandraServer::Health::kDown);
  EXPECT_EQ(schema("op-4:schema:inst-1", statements).first.error_code(),
            grpc::StatusCode::UNAVAILABLE);
  for (const char* key : {"op-3:schema:inst-1", "op-3:truncate:inst-1", "op-4:schema:inst-1"}) {
    EXPECT_EQ(jobs_->status(key).state, guestagent::JobStatus::State::kUnknown) << key;
  }
}

}  // namespace
}  // namespace automat::datastores::cassandra
