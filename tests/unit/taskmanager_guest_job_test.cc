// drive_guest_job and past_deadline (taskmanager/guest_job.h): a keyed guest
// job started once, looked at on each run, bounded by its own deadline, and
// a lost job started again or handed back to the step, as the step chose.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "taskmanager/guest_job.h"

namespace automat::taskmanager {
namespace {

using State = proto::JobReply::State;
using Kind = GuestJobState::Kind;

constexpr int64_t kSecond = 1000000;

// A guest's jobs by key, as its GetJob and Start* calls answer them.
struct ScriptedGuest {
  std::map<std::string, proto::JobReply> jobs;
  std::vector<std::string> started;
  // The guest's clock as it stamps started_us: this host's, as in production.
  int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();

  proto::JobReply look(const std::string& key) {
    auto it = jobs.find(key);
    if (it != jobs.end()) return it->second;
    proto::JobReply none;
    none.set_state(proto::JobReply::UNKNOWN);
    none.set_key(key);
    return none;
  }
  proto::JobReply start(const std::string& key) {
    started.push_back(key);
    proto::JobReply job;
    job.set_state(proto::JobReply::RUNNING);
    job.set_key(key);
    job.set_kind("decommission");
    job.set_message("streaming ranges");
    job.set_started_us(now_us);
    jobs[key] = job;
    return job;
  }
  void set(const std::string& key, State state) { jobs[key].set_state(state); }

  GuestJobState drive(LostJob on_lost = LostJob::kStartAgain) {
    return drive_guest_job(
        "op:decommission:n1", [this](const std::string& k) { return look(k); },
        [this](const std::string& k) { return start(k); }, on_lost);
  }
};

TEST(GuestJobTest, StartsTheJobOnceAndLooksAtItOnEveryRun) {
  ScriptedGuest guest;
  EXPECT_EQ(guest.drive().kind, Kind::kRunning);
  EXPECT_EQ(guest.drive().kind, Kind::kRunning);
  EXPECT_EQ(guest.started, std::vector<std::string>{"op:decommission:n1"});
  guest.set("op:decommission:n1", proto::JobReply::SUCCEEDED);
  EXPECT_EQ(guest.drive().kind, Kind::kSucceeded);
  EXPECT_EQ(guest.started.size(), 1u);
}

TEST(GuestJobTest, AJobPastItsOwnDeadlineFailsWithItsLastProgress) {
  ScriptedGuest guest;
  guest.now_us -= 601 * kSecond;  // the guest started it 601 s ago
  const GuestJobState running = guest.drive();
  ASSERT_EQ(running.kind, Kind::kRunning);
  EXPECT_EQ(past_deadline(running, std::chrono::seconds(3600), "late").kind, Kind::kRunning);
  const GuestJobState late =
      past_deadline(running, std::chrono::seconds(600), "the decommission took over 600 s");
  EXPECT_EQ(late.kind, Kind::kFailed);
  EXPECT_EQ(late.message, "the decommission took over 600 s; last: streaming ranges");
}

TEST(GuestJobTest, TheDeadlineCountsFromTheGuestsStartNotFromTheLook) {
  // A taskmanager that took the operation over late still sees how long
  // the job has run: its deadline is the job's, not the step's.
  ScriptedGuest guest;
  guest.now_us -= 3600 * kSecond;
  guest.start("op:decommission:n1");
  const GuestJobState state = guest.drive();
  EXPECT_EQ(past_deadline(state, std::chrono::seconds(1800), "late").kind, Kind::kFailed);
  EXPECT_EQ(guest.started.size(), 1u) << "looked at, not started again";
}

TEST(GuestJobTest, OnlyARunningJobCanBeLate) {
  ScriptedGuest guest;
  guest.now_us -= 3600 * kSecond;
  guest.drive();
  guest.set("op:decommission:n1", proto::JobReply::SUCCEEDED);
  EXPECT_EQ(past_deadline(guest.drive(), std::chrono::seconds(1), "late").kind, Kind::kSucceeded);
}

TEST(GuestJobTest, ALostJobIsStartedAgainUnderTheNextKeyThenGivenUp) {
  ScriptedGuest guest;
  guest.drive();
  guest.set("op:decommission:n1", proto::JobReply::LOST);
  EXPECT_EQ(guest.drive().kind, Kind::kRunning);
  guest.set("op:decommission:n1.2", proto::JobReply::LOST);
  EXPECT_EQ(guest.drive().kind, Kind::kRunning);
  guest.set("op:decommission:n1.3", proto::JobReply::LOST);
  const GuestJobState gone = guest.drive();
  EXPECT_EQ(gone.kind, Kind::kFailed);
  EXPECT_NE(gone.message.find("restarted 3 times"), std::string::npos) << gone.message;
  EXPECT_EQ(guest.started, (std::vector<std::string>{"op:decommission:n1", "op:decommission:n1.2",
                                                     "op:decommission:n1.3"}));
}

TEST(GuestJobTest, ALostJobTheStepMustNotRepeatIsHandedBackWithoutStartingAgain) {
  ScriptedGuest guest;
  guest.drive(LostJob::kReport);
  guest.set("op:decommission:n1", proto::JobReply::LOST);
  const GuestJobState lost = guest.drive(LostJob::kReport);
  EXPECT_EQ(lost.kind, Kind::kFailed);
  EXPECT_TRUE(lost.lost);
  EXPECT_NE(lost.message.find("the guest restarted while its decommission job"), std::string::npos)
      << lost.message;
  EXPECT_EQ(guest.started.size(), 1u);
}

TEST(GuestJobTest, AFailedJobCarriesTheGuestsReason) {
  ScriptedGuest guest;
  guest.drive();
  guest.jobs["op:decommission:n1"].set_state(proto::JobReply::FAILED);
  guest.jobs["op:decommission:n1"].set_message("nodetool: node is not a member of the ring");
  const GuestJobState failed = guest.drive();
  EXPECT_EQ(failed.kind, Kind::kFailed);
  EXPECT_EQ(failed.message, "nodetool: node is not a member of the ring");
}

}  // namespace
}  // namespace automat::taskmanager
