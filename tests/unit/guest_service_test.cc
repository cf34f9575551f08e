// GuestService over an in-process gRPC channel with a scripted manager.
#include "guestagent/guest_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/status.h"
#include "guestagent/guest_jobs.h"

namespace automat::guestagent {
namespace {

class ScriptedManager : public DatastoreManager {
 public:
  std::string name() const override { return "mysql"; }
  void prepare(const proto::PrepareRequest& req) override {
    ++prepares;
    last_users = req.users_size();
    if (fail_with) throw *fail_with;
    status_ = fault.empty() ? common::service_status::kRunning : common::service_status::kFailed;
  }
  void start() override { status_ = common::service_status::kRunning; }
  void stop() override {
    ++stops;
    if (stop_fails) throw *stop_fails;
    status_ = common::service_status::kShutdown;
  }
  void restart() override { ++restarts; }
  void resize(int ram_mb) override {
    resizes.push_back(ram_mb);
    if (fail_with) throw *fail_with;
  }
  std::string status() override { return status_; }
  // The fault given (prepare then leaves the datastore FAILED), and a
  // datastore report of a type the service knows nothing of.
  proto::DatastoreReport report() override {
    proto::DatastoreReport r;
    r.set_fault(fault);
    r.set_degraded_status(degraded);
    proto::PingReply own;
    own.set_version("own-report");
    r.mutable_datastore()->PackFrom(own);
    return r;
  }

  std::atomic<int> prepares{0};
  std::atomic<int> restarts{0};
  std::atomic<int> stops{0};
  std::optional<common::Error> stop_fails;  // what stop() throws
  std::vector<int> resizes;                 // read once the job ended
  int last_users = 0;
  std::optional<common::Error> fail_with;
  std::string fault;
  std::string degraded;  // the report's degraded status

 private:
  std::string status_ = common::service_status::kNew;
};

class GuestServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    jobs_dir_ = ::testing::TempDir() + "/guest_service_test_jobs_" + std::to_string(::getpid());
    std::filesystem::remove_all(jobs_dir_);
    jobs_ = std::make_unique<JobRunner>(jobs_dir_, clock_);
    service_ = std::make_unique<GuestService>(
        manager_, GuestService::Identity{"inst-1", "right-token", "10.11"}, *jobs_,
        [this] { ++notified_; });
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
    stub_ = proto::GuestAgent::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    server_->Shutdown();
    jobs_.reset();
    std::filesystem::remove_all(jobs_dir_);
  }

  static proto::PrepareJob prepare_job(const std::string& key) {
    proto::PrepareJob job;
    job.set_key(key);
    return job;
  }
  std::unique_ptr<grpc::ClientContext> context(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) ctx->AddMetadata(kTokenMetadata, token);
    return ctx;
  }

  ScriptedManager manager_;
  common::SystemClock clock_;
  std::string jobs_dir_;
  std::unique_ptr<JobRunner> jobs_;
  std::atomic<int> notified_{0};
  std::unique_ptr<GuestService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<proto::GuestAgent::Stub> stub_;
};

TEST_F(GuestServiceTest, PingWithTheRightTokenAnswersIdentity) {
  proto::PingReply reply;
  auto ctx = context("right-token");
  const grpc::Status s = stub_->Ping(ctx.get(), proto::Empty(), &reply);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reply.instance_id(), "inst-1");
  EXPECT_EQ(reply.manager(), "mysql");
  EXPECT_EQ(reply.version(), "10.11");
}

TEST_F(GuestServiceTest, WrongOrMissingTokenIsUnauthenticatedOnEveryCall) {
  for (const std::string token : {"", "wrong-token", "right-token-but-longer", "right-toke"}) {
    proto::PingReply ping;
    auto c1 = context(token);
    EXPECT_EQ(stub_->Ping(c1.get(), proto::Empty(), &ping).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << token;
    proto::StatusReply st;
    proto::JobReply job;
    auto c2 = context(token);
    EXPECT_EQ(stub_->StartPrepare(c2.get(), prepare_job("k1"), &job).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    auto c3 = context(token);
    proto::JobRequest stop;
    stop.set_key("k2");
    EXPECT_EQ(stub_->StartStop(c3.get(), stop, &job).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    auto c4 = context(token);
    EXPECT_EQ(stub_->RestartDatastore(c4.get(), proto::Empty(), &st).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // Nothing reached the manager.
  EXPECT_EQ(manager_.prepares, 0);
  EXPECT_EQ(manager_.restarts, 0);
  EXPECT_EQ(manager_.stops, 0);
  EXPECT_EQ(manager_.status(), common::service_status::kNew);
}

TEST_F(GuestServiceTest, PrepareRunsTheManagerAsAJobAndAnnouncesTheNewStatus) {
  proto::PrepareJob req = prepare_job("op-1:prepare:inst-1");
  req.mutable_request()->add_users()->set_name("alice");
  proto::JobReply reply;
  auto ctx = context("right-token");
  const grpc::Status s = stub_->StartPrepare(ctx.get(), req, &reply);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reply.key(), "op-1:prepare:inst-1");
  EXPECT_EQ(reply.kind(), "prepare");
  const JobStatus done = jobs_->wait("op-1:prepare:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, JobStatus::State::kSucceeded) << done.message;
  EXPECT_EQ(manager_.prepares, 1);
  EXPECT_EQ(manager_.last_users, 1);
  EXPECT_EQ(manager_.status(), "RUNNING");
  // Once before (BUILDING) and once after (RUNNING).
  EXPECT_GE(notified_, 2);

  // The same key answers the same job: the manager is not asked again.
  auto again = context("right-token");
  ASSERT_TRUE(stub_->StartPrepare(again.get(), req, &reply).ok());
  EXPECT_EQ(reply.state(), proto::JobReply::SUCCEEDED);
  EXPECT_EQ(manager_.prepares, 1);
}

TEST_F(GuestServiceTest, APrepareThatFailsFailsItsJobWithTheManagersMessage) {
  manager_.fail_with = common::internal_error("mariadbd exited while starting");
  proto::JobReply reply;
  auto ctx = context("right-token");
  ASSERT_TRUE(stub_->StartPrepare(ctx.get(), prepare_job("op-2:prepare:inst-1"), &reply).ok());
  const JobStatus done = jobs_->wait("op-2:prepare:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, JobStatus::State::kFailed);
  EXPECT_EQ(done.message, "mariadbd exited while starting");
  EXPECT_GE(notified_, 2);  // a failed prepare changes the status too

  proto::JobRequest look;
  look.set_key("op-2:prepare:inst-1");
  auto ctx2 = context("right-token");
  ASSERT_TRUE(stub_->GetJob(ctx2.get(), look, &reply).ok());
  EXPECT_EQ(reply.state(), proto::JobReply::FAILED);
  EXPECT_EQ(reply.message(), "mariadbd exited while starting");
}

TEST_F(GuestServiceTest, AResizeRunsTheManagerAsAJobOnceUnderItsKey) {
  proto::ResizeJob req;
  req.set_key("op-9:resize:inst-1");
  req.set_ram_mb(4096);
  proto::JobReply reply;
  auto ctx = context("right-token");
  const grpc::Status s = stub_->StartResize(ctx.get(), req, &reply);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reply.kind(), "resize");
  const JobStatus done = jobs_->wait("op-9:resize:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, JobStatus::State::kSucceeded) << done.message;
  EXPECT_EQ(manager_.resizes, std::vector<int>{4096});
  EXPECT_GE(notified_, 2);
  auto again = context("right-token");
  ASSERT_TRUE(stub_->StartResize(again.get(), req, &reply).ok());
  EXPECT_EQ(reply.state(), proto::JobReply::SUCCEEDED);
  EXPECT_EQ(manager_.resizes.size(), 1u) << "a retried call answers the same job";
}

TEST_F(GuestServiceTest, StopRunsTheManagersStopAsAJobUnderTheKeyOnce) {
  manager_.start();
  proto::JobRequest req;
  req.set_key("op-7:stop:inst-1");
  proto::JobReply reply;
  auto ctx = context("right-token");
  const grpc::Status s = stub_->StartStop(ctx.get(), req, &reply);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reply.kind(), "stop");
  EXPECT_EQ(reply.key(), "op-7:stop:inst-1");
  const JobStatus done = jobs_->wait("op-7:stop:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, JobStatus::State::kSucceeded) << done.message;
  EXPECT_EQ(manager_.stops, 1);
  EXPECT_EQ(manager_.status(), common::service_status::kShutdown);
  EXPECT_GE(notified_, 2) << "a heartbeat is published once the stop ends";
  auto again = context("right-token");
  ASSERT_TRUE(stub_->StartStop(again.get(), req, &reply).ok());
  EXPECT_EQ(reply.state(), proto::JobReply::SUCCEEDED);
  EXPECT_EQ(manager_.stops, 1) << "a retried call answers the same job";
  auto look = context("right-token");
  ASSERT_TRUE(stub_->GetJob(look.get(), req, &reply).ok());
  EXPECT_EQ(reply.state(), proto::JobReply::SUCCEEDED);
  EXPECT_EQ(reply.kind(), "stop");
}

TEST_F(GuestServiceTest, AStopThatFailsFailsItsJobWithTheManagersMessage) {
  manager_.stop_fails = common::internal_error("mariadbd did not stop within 60 s");
  proto::JobRequest req;
  req.set_key("op-6:stop:inst-1");
  proto::JobReply reply;
  auto ctx = context("right-token");
  ASSERT_TRUE(stub_->StartStop(ctx.get(), req, &reply).ok());
  const JobStatus done = jobs_->wait("op-6:stop:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, JobStatus::State::kFailed);
  EXPECT_EQ(done.message, "mariadbd did not stop within 60 s");
}

TEST_F(GuestServiceTest, AResizeThatFailsFailsItsJobWithTheManagersMessage) {
  manager_.fail_with =
      common::internal_error("MariaDB did not start with the settings for 4096 MB");
  proto::ResizeJob req;
  req.set_key("op-8:resize:inst-1");
  req.set_ram_mb(4096);
  proto::JobReply reply;
  auto ctx = context("right-token");
  ASSERT_TRUE(stub_->StartResize(ctx.get(), req, &reply).ok());
  const JobStatus done = jobs_->wait("op-8:resize:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, JobStatus::State::kFailed);
  EXPECT_EQ(done.message, "MariaDB did not start with the settings for 4096 MB");
}

TEST_F(GuestServiceTest, APrepareThatLeavesTheDatastoreFailedFailsItsJobWithTheReportsFault) {
  manager_.fault = "mariadbd would not start: ibdata1 is damaged";
  proto::JobReply reply;
  auto ctx = context("right-token");
  ASSERT_TRUE(stub_->StartPrepare(ctx.get(), prepare_job("op-3:prepare:inst-1"), &reply).ok());
  const JobStatus done = jobs_->wait("op-3:prepare:inst-1", std::chrono::seconds(5));
  EXPECT_EQ(done.state, JobStatus::State::kFailed);
  EXPECT_EQ(done.message, "mariadbd would not start: ibdata1 is damaged");
}

TEST_F(GuestServiceTest, APrepareJobKeyIsChecked) {
  proto::JobReply reply;
  auto ctx = context("right-token");
  const grpc::Status s = stub_->StartPrepare(ctx.get(), prepare_job("no spaces/allowed"), &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(manager_.prepares, 0);
}

TEST_F(GuestServiceTest, GetJobAnswersTheJobsOfThisGuest) {
  jobs_->start("op-1:cleanup:n1", "cleanup", [](JobContext&) { return std::string("cleaned"); });
  jobs_->start("op-1:decommission:n1", "decommission", [](JobContext&) -> std::string {
    throw common::internal_error("Not enough live nodes to maintain replication factor");
  });
  ASSERT_EQ(jobs_->wait("op-1:cleanup:n1", std::chrono::seconds(5)).state,
            JobStatus::State::kSucceeded);
  ASSERT_EQ(jobs_->wait("op-1:decommission:n1", std::chrono::seconds(5)).state,
            JobStatus::State::kFailed);

  proto::JobRequest req;
  proto::JobReply reply;
  req.set_key("op-1:cleanup:n1");
  auto c1 = context("right-token");
  ASSERT_TRUE(stub_->GetJob(c1.get(), req, &reply).ok());
  EXPECT_EQ(reply.state(), proto::JobReply::SUCCEEDED);
  EXPECT_EQ(reply.kind(), "cleanup");
  EXPECT_GT(reply.finished_us(), 0);
  EXPECT_EQ(reply.result(), "cleaned") << "a succeeded job answers what its work returned";

  req.set_key("op-1:decommission:n1");
  auto c2 = context("right-token");
  ASSERT_TRUE(stub_->GetJob(c2.get(), req, &reply).ok());
  EXPECT_EQ(reply.state(), proto::JobReply::FAILED);
  EXPECT_EQ(reply.message(), "Not enough live nodes to maintain replication factor");
  EXPECT_EQ(reply.result(), "");

  req.set_key("op-2:cleanup:n1");  // never started here (a fresh guest)
  auto c3 = context("right-token");
  ASSERT_TRUE(stub_->GetJob(c3.get(), req, &reply).ok());
  EXPECT_EQ(reply.state(), proto::JobReply::UNKNOWN);

  req.set_key("../../etc/passwd");
  auto c4 = context("right-token");
  EXPECT_EQ(stub_->GetJob(c4.get(), req, &reply).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  req.set_key("op-1:cleanup:n1");
  auto c5 = context("wrong");
  EXPECT_EQ(stub_->GetJob(c5.get(), req, &reply).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(GuestServiceTest, StartStopAndStatusGoThroughTheManager) {
  proto::StatusReply reply;
  auto c1 = context("right-token");
  ASSERT_TRUE(stub_->StartDatastore(c1.get(), proto::Empty(), &reply).ok());
  EXPECT_EQ(reply.service_status(), "RUNNING");
  proto::JobRequest stop;
  stop.set_key("op-4:stop:inst-1");
  proto::JobReply job;
  auto c2 = context("right-token");
  ASSERT_TRUE(stub_->StartStop(c2.get(), stop, &job).ok());
  ASSERT_EQ(jobs_->wait(stop.key(), std::chrono::seconds(5)).state, JobStatus::State::kSucceeded);
  auto c3 = context("right-token");
  ASSERT_TRUE(stub_->GetStatus(c3.get(), proto::Empty(), &reply).ok());
  EXPECT_EQ(reply.service_status(), "SHUTDOWN");
  // The manager's report, as it made it.
  proto::PingReply own;
  ASSERT_TRUE(reply.report().datastore().UnpackTo(&own));
  EXPECT_EQ(own.version(), "own-report");
  EXPECT_EQ(reply.report().fault(), "");
}

// A datastore's own degraded status (its word ending in _ERROR, e.g.
// MySQL's REPLICATION_ERROR): the generic guest shows it, knowing no name.
constexpr const char* kDegraded = "SYNC_ERROR";

TEST_F(GuestServiceTest, GetStatusShowsTheDegradedStatusOfARunningNodeAsHeartbeatsDo) {
  manager_.start();
  manager_.degraded = kDegraded;
  proto::StatusReply reply;
  auto c1 = context("right-token");
  ASSERT_TRUE(stub_->GetStatus(c1.get(), proto::Empty(), &reply).ok());
  EXPECT_EQ(reply.service_status(), kDegraded);
  EXPECT_EQ(reply.report().degraded_status(), kDegraded);
  manager_.stop();
  auto c2 = context("right-token");
  ASSERT_TRUE(stub_->GetStatus(c2.get(), proto::Empty(), &reply).ok());
  EXPECT_EQ(reply.service_status(), "SHUTDOWN") << "only a RUNNING node is shown degraded";
}

TEST(ShownStatus, ARunningNodeShowsItsReportsDegradedStatus) {
  proto::DatastoreReport healthy;
  proto::DatastoreReport degraded;
  degraded.set_degraded_status(kDegraded);
  EXPECT_EQ(shown_status("RUNNING", healthy), "RUNNING");
  EXPECT_EQ(shown_status("RUNNING", degraded), kDegraded);
  EXPECT_EQ(shown_status("SHUTDOWN", degraded), "SHUTDOWN");
  EXPECT_EQ(shown_status("BLOCKED", degraded), "BLOCKED");
}

TEST(GrpcStatusMapping, CodesFollowMeaning) {
  EXPECT_EQ(to_grpc_status(common::not_found("x")).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(to_grpc_status(common::conflict("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(to_grpc_status(common::unavailable("x")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(to_grpc_status(common::Error(common::ErrorCode::kUnauthorized, "x")).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(to_grpc_status(common::internal_error("boom")).error_message(), "boom");
}

}  // namespace
}  // namespace automat::guestagent
