// The one answer of every step to a guest call that threw
// (taskmanager/step_kit.h, guest_call_failed), and the answer while a guest
// job runs (follow_guest_job): an unreachable guest is waited for, a call
// that timed out is sent again only when sending it twice does no harm.
#include <gtest/gtest.h>

#include <stdexcept>

#include "common/error.h"
#include "taskmanager/step_kit.h"

namespace automat::taskmanager {
namespace {

using namespace std::chrono_literals;
using Kind = StepResult::Kind;

GuestCall call(Repeat repeat, std::string waiting = "") {
  return {"10.0.0.7", "following the master", repeat, 3s, std::move(waiting)};
}

TEST(GuestCallFailed, AnUnreachableGuestIsWaitedForWhateverTheCall) {
  for (const Repeat repeat : {Repeat::kIdempotent, Repeat::kOnce}) {
    const StepResult r = guest_call_failed(call(repeat), common::unavailable("connection refused"));
    EXPECT_EQ(r.kind, Kind::kRetry);
    EXPECT_EQ(r.retry_after, 3s);
    EXPECT_EQ(r.message, "following the master: connection refused");
  }
}

TEST(GuestCallFailed, TheWaitingMessageIsTheCallersWhenItHasOne) {
  const StepResult r = guest_call_failed(call(Repeat::kIdempotent, "waiting for the guest agent"),
                                         common::unavailable("connection refused"));
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_EQ(r.message, "waiting for the guest agent");
}

TEST(GuestCallFailed, AnIdempotentCallThatTimedOutIsSentAgain) {
  const StepResult r = guest_call_failed(
      call(Repeat::kIdempotent), common::timed_out("did not answer RingStatus within 30000 ms"));
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_EQ(r.retry_after, 3s);
  EXPECT_NE(r.message.find("did not answer RingStatus"), std::string::npos) << r.message;
}

TEST(GuestCallFailed, ACallThatMustNotRunTwiceFailsWhenItTimedOutNamingTheHost) {
  const StepResult r = guest_call_failed(
      call(Repeat::kOnce), common::timed_out("did not answer Follow within 1800000 ms"));
  EXPECT_EQ(r.kind, Kind::kFailed);
  EXPECT_EQ(r.host, "10.0.0.7");
  EXPECT_NE(r.message.find("following the master on 10.0.0.7 timed out"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("retry the operation"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("did not answer Follow within 1800000 ms"), std::string::npos)
      << r.message;
}

TEST(GuestCallFailed, AnyOtherErrorFailsWithTheHostAndTheGuestsMessage) {
  for (const Repeat repeat : {Repeat::kIdempotent, Repeat::kOnce}) {
    const StepResult r = guest_call_failed(call(repeat), common::conflict("the replica is busy"));
    EXPECT_EQ(r.kind, Kind::kFailed);
    EXPECT_EQ(r.host, "10.0.0.7");
    EXPECT_EQ(r.message, "following the master failed on 10.0.0.7: the replica is busy");
  }
  const StepResult plain = guest_call_failed(call(Repeat::kIdempotent), std::runtime_error("boom"));
  EXPECT_EQ(plain.kind, Kind::kFailed);
  EXPECT_EQ(plain.message, "following the master failed on 10.0.0.7: boom");
}

JobFollow follow() { return {call(Repeat::kIdempotent), 2s, "restarting MariaDB"}; }

TEST(FollowGuestJob, ARunningJobIsLookedAtAgainWithItsProgress) {
  GuestJobState ended;
  const auto r = follow_guest_job(
      [] {
        return GuestJobState{GuestJobState::Kind::kRunning, "draining", 0.25, 1, {}};
      },
      follow(), ended);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Kind::kRetry);
  EXPECT_EQ(r->retry_after, 2s);
  EXPECT_EQ(r->message, "restarting MariaDB (draining)");
  EXPECT_DOUBLE_EQ(r->step_progress, 0.25);
}

TEST(FollowGuestJob, AnEndedJobIsTheCallersToWord) {
  GuestJobState ended;
  EXPECT_FALSE(follow_guest_job(
      [] {
        return GuestJobState{GuestJobState::Kind::kFailed, "no space left", 0.5, 0, {}};
      },
      follow(), ended));
  EXPECT_EQ(ended.kind, GuestJobState::Kind::kFailed);
  EXPECT_EQ(ended.message, "no space left");
}

TEST(FollowGuestJob, ACallThatThrewIsAnsweredAsAGuestCall) {
  GuestJobState ended;
  const auto waiting = follow_guest_job(
      []() -> GuestJobState { throw common::timed_out("did not answer GetJob"); }, follow(), ended);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->kind, Kind::kRetry) << "a keyed job's look is sent again";
  const auto refused = follow_guest_job(
      []() -> GuestJobState { throw common::bad_request("unknown flavor"); }, follow(), ended);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->kind, Kind::kFailed);
  EXPECT_EQ(refused->host, "10.0.0.7");
}

TEST(FollowGuestJob, AJobPastItsOwnDeadlineEndsFailedWithItsLastProgress) {
  const int64_t started_an_hour_ago =
      std::chrono::duration_cast<std::chrono::microseconds>(
          (std::chrono::system_clock::now() - std::chrono::hours(1)).time_since_epoch())
          .count();
  const auto running = [&] {
    return GuestJobState{GuestJobState::Kind::kRunning, "draining", 0.25, started_an_hour_ago, {}};
  };
  JobFollow bounded = follow();
  bounded.deadline = std::chrono::minutes(90);
  GuestJobState ended;
  const auto still = follow_guest_job(running, bounded, ended);
  ASSERT_TRUE(still) << "an hour of 90 minutes";
  EXPECT_EQ(still->kind, Kind::kRetry);

  bounded.deadline = std::chrono::minutes(30);
  EXPECT_FALSE(follow_guest_job(running, bounded, ended));
  EXPECT_EQ(ended.kind, GuestJobState::Kind::kFailed);
  EXPECT_EQ(ended.message, "restarting MariaDB did not finish within 1800 s; last: draining");
  EXPECT_TRUE(follow_guest_job(running, follow(), ended)) << "no deadline: the step's timeout only";
}

}  // namespace
}  // namespace automat::taskmanager
