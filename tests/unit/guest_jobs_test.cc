// guestagent/guest_jobs.h: long guest work started under a key, polled,
// never run twice, and reported LOST after a restart that interrupted it.
#include "guestagent/guest_jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "common/error.h"
#include "tests/fakes/gate.h"
#include "tests/fakes/manual_clock.h"

namespace automat::guestagent {
namespace {

using namespace std::chrono_literals;
using State = JobStatus::State;
using automat::testing::Gate;

class GuestJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/guest-jobs-test.XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string dir;
  testing::ManualClock clock;
};

TEST_F(GuestJobsTest, StartAnswersAtOnceAndTheJobEndsWithItsResult) {
  JobRunner runner(dir + "/jobs", clock);
  Gate gate;
  const JobStatus started = runner.start("op-1:n2:cleanup", "cleanup", [&](JobContext& ctx) {
    ctx.progress(0.5, "cleaning keyspace app");
    gate.wait();
    return std::string("reply-bytes\x01\x02", 13);
  });
  EXPECT_EQ(started.state, State::kRunning);
  EXPECT_EQ(runner.wait("op-1:n2:cleanup", 0ms).state, State::kRunning);
  gate.release();
  const JobStatus done = runner.wait("op-1:n2:cleanup", 10s);
  EXPECT_EQ(done.state, State::kSucceeded);
  EXPECT_EQ(done.kind, "cleanup");
  EXPECT_EQ(done.result, std::string("reply-bytes\x01\x02", 13));
  EXPECT_EQ(done.progress, 1.0);
}

TEST_F(GuestJobsTest, ProgressShowsWhileTheJobRuns) {
  JobRunner runner(dir, clock);
  Gate reported, gate;
  runner.start("k", "decommission", [&](JobContext& ctx) {
    ctx.progress(0.25, "streaming 1 of 4 ranges");
    reported.release();
    gate.wait();
    return std::string();
  });
  reported.wait();
  const JobStatus s = runner.status("k");
  EXPECT_EQ(s.state, State::kRunning);
  EXPECT_EQ(s.progress, 0.25);
  EXPECT_EQ(s.message, "streaming 1 of 4 ranges");
  gate.release();
  EXPECT_EQ(runner.wait("k", 10s).state, State::kSucceeded);
}

TEST_F(GuestJobsTest, TheSameKeyNeverRunsTheWorkTwice) {
  JobRunner runner(dir, clock);
  std::atomic<int> runs{0};
  auto work = [&](JobContext&) {
    ++runs;
    return std::string("once");
  };
  runner.start("key", "cleanup", work);
  runner.wait("key", 10s);
  const JobStatus again = runner.start("key", "cleanup", work);
  EXPECT_EQ(again.state, State::kSucceeded);
  EXPECT_EQ(again.result, "once");
  EXPECT_EQ(runs.load(), 1);
}

TEST_F(GuestJobsTest, AFailingJobKeepsItsError) {
  JobRunner runner(dir, clock);
  runner.start("key", "decommission", [](JobContext&) -> std::string {
    throw common::internal_error("nodetool decommission: Not enough live nodes");
  });
  const JobStatus s = runner.wait("key", 10s);
  EXPECT_EQ(s.state, State::kFailed);
  EXPECT_EQ(s.message, "nodetool decommission: Not enough live nodes");
}

TEST_F(GuestJobsTest, FinishedJobsAreKnownAfterARestart) {
  {
    JobRunner runner(dir, clock);
    runner.start("done", "cleanup", [](JobContext&) { return std::string("r"); });
    runner.wait("done", 10s);
  }
  JobRunner again(dir, clock);
  const JobStatus s = again.status("done");
  EXPECT_EQ(s.state, State::kSucceeded);
  EXPECT_EQ(s.result, "r");
  EXPECT_EQ(again.status("never").state, State::kUnknown);
}

TEST_F(GuestJobsTest, AJobRunningWhenTheGuestDiedIsLost) {
  const std::string crashed = dir + "/crashed";
  {
    JobRunner runner(dir + "/live", clock);
    Gate gate;
    runner.start("op-9:n1:join", "join", [&](JobContext&) {
      gate.wait();
      return std::string();
    });
    // What the disk holds while the job runs is what a killed guest leaves.
    std::filesystem::copy(dir + "/live", crashed);
    gate.release();
  }
  JobRunner restarted(crashed, clock);
  const JobStatus s = restarted.status("op-9:n1:join");
  EXPECT_EQ(s.state, State::kLost);
  EXPECT_NE(s.message.find("restarted"), std::string::npos) << s.message;
  // Asking again under the same key answers the lost job; a new key runs.
  EXPECT_EQ(
      restarted.start("op-9:n1:join", "join", [](JobContext&) { return std::string(); }).state,
      State::kLost);
  restarted.start("op-9:n1:join#2", "join", [](JobContext&) { return std::string("ok"); });
  EXPECT_EQ(restarted.wait("op-9:n1:join#2", 10s).state, State::kSucceeded);
}

TEST_F(GuestJobsTest, OldFinishedJobsArePrunedWhenNewOnesStart) {
  JobRunner runner(dir, clock, std::chrono::hours(1));
  runner.start("old", "cleanup", [](JobContext&) { return std::string(); });
  runner.wait("old", 10s);
  clock.advance(std::chrono::hours(2));
  runner.start("new", "cleanup", [](JobContext&) { return std::string(); });
  EXPECT_EQ(runner.status("old").state, State::kUnknown);
  runner.wait("new", 10s);
  size_t records = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++records;
  EXPECT_EQ(records, 1u);
}

}  // namespace
}  // namespace automat::guestagent
