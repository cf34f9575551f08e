// guestagent/supervised_process.h against real, short-lived children: a
// server started, found again by its pid file, stopped gracefully or killed
// after its grace, and never confused with another process. Grace periods
// and readiness timeouts run on a FakeWaitClock; only a real child's exit
// is looked for again (without sleeping) under a deadline.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/atomic_file.h"
#include "common/process_table.h"
#include "guestagent/supervised_process.h"
#include "tests/fakes/fake_wait_clock.h"

namespace automat::guestagent {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Found = SupervisedProcess::Found;
using Readiness = SupervisedProcess::Readiness;

class SupervisedProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/supervised-process-test.XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir = tmpl;
    // By default a signalled server is gone by the first look after it:
    // each pause waits (really) for the signalled child to have exited.
    clock.on_sleep = [](std::chrono::milliseconds) { exits_by_next_look(); };
  }
  void TearDown() override {
    // A test that failed half-way leaves no child behind.
    if (auto who = SupervisedProcess(spec()).live()) common::signal_same_process(*who, SIGKILL);
    std::filesystem::remove_all(dir);
  }

  SupervisedProcess::Spec spec(const std::string& marker = "sleep 30") const {
    return {"test", "i-1", dir + "/server.pid", false, marker, dir + "/out.log"};
  }

  // Waits until no child of this test runs (a zombie has exited): looked
  // for again, without sleeping, in /proc (nothing signals it).
  static void exits_by_next_look() {
    const auto deadline = Clock::now() + 10s;
    while (a_child_runs() && Clock::now() < deadline) std::this_thread::yield();
  }
  static bool a_child_runs() {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const auto st = common::read_stat(std::stoi(name));
      if (st && st->ppid == ::getpid() && !st->exited()) return true;
    }
    return false;
  }

  // The kernel shows a new image's arguments a moment after posix_spawn
  // returns (nothing signals it: look again without sleeping).
  static bool shows_command(pid_t pid, const std::string& cmd) {
    const auto deadline = Clock::now() + 10s;
    while (common::command_line_of(pid) != cmd && Clock::now() < deadline)
      std::this_thread::yield();
    return common::command_line_of(pid) == cmd;
  }

  static SupervisedProcess::StopPlan plan(std::chrono::milliseconds grace) {
    SupervisedProcess::StopPlan p;
    p.grace = grace;
    p.final_signal = SIGKILL;
    p.final_wait = 10s;
    return p;
  }

  std::string dir;
  testing::FakeWaitClock clock;
};

TEST_F(SupervisedProcessTest, AStartedServerIsLiveUnderItsPidAndStartTime) {
  SupervisedProcess server(spec(), clock);
  EXPECT_EQ(server.find(), Found::kNone);
  const pid_t pid = server.start({"sleep", "30"});
  const auto who = server.live();
  ASSERT_TRUE(who);
  EXPECT_EQ(who->pid, pid);
  EXPECT_EQ(who, common::process_start(pid)) << "the start time recorded is the kernel's";
  EXPECT_EQ(common::read_file(dir + "/server.pid"), std::to_string(pid) + "\n");
  EXPECT_EQ(server.find(), Found::kInOurSession);
  EXPECT_TRUE(server.stop(plan(10s)));
  EXPECT_FALSE(server.alive());
}

TEST_F(SupervisedProcessTest, AnAgentRestartedFindsItsServerByThePidFile) {
  SupervisedProcess first(spec(), clock);
  const pid_t pid = first.start({"sleep", "30"});
  ASSERT_TRUE(shows_command(pid, "sleep 30"));
  SupervisedProcess restarted(spec(), clock);  // the same node, a new agent object
  const auto who = restarted.live();
  ASSERT_TRUE(who);
  EXPECT_EQ(*who, *common::process_start(pid));
  EXPECT_EQ(restarted.find(), Found::kInOurSession);
  EXPECT_TRUE(restarted.stop(plan(10s)));
  EXPECT_FALSE(restarted.alive());
  EXPECT_FALSE(first.alive());
}

TEST_F(SupervisedProcessTest, APidFileNamingAnotherProgramIsNotTheServer) {
  // This test's own pid: alive, but its command line lacks the marker.
  common::write_file_atomically(dir + "/server.pid", std::to_string(::getpid()) + "\n");
  SupervisedProcess server(spec("--defaults-file=" + dir + "/my.cnf"), clock);
  EXPECT_FALSE(server.live());
  EXPECT_EQ(server.find(), Found::kNone);
  EXPECT_TRUE(server.stop(plan(10s))) << "nothing to stop, nothing signalled";
}

TEST_F(SupervisedProcessTest, AProcessWithAnotherStartTimeIsNeitherRunningNorSignalled) {
  SupervisedProcess server(spec(), clock);
  const pid_t pid = server.start({"sleep", "30"});
  const common::ProcessStart who = *server.live();
  EXPECT_TRUE(common::still_running(who));
  // What a reused pid looks like: the same number, another process.
  const common::ProcessStart reused{pid, who.start_ticks + 1};
  EXPECT_FALSE(common::still_running(reused));
  EXPECT_FALSE(common::signal_same_process(reused, SIGKILL));
  EXPECT_TRUE(server.alive()) << "the signal went nowhere";
  EXPECT_TRUE(server.stop(plan(10s)));
}

TEST_F(SupervisedProcessTest, StopEndsTheServerWithSigtermWithinItsGrace) {
  SupervisedProcess server(spec(), clock);
  server.start({"sleep", "30"});
  EXPECT_TRUE(server.stop(plan(10s)));
  EXPECT_EQ(server.exit_description(), "was killed by signal 15");
}

TEST_F(SupervisedProcessTest, StopAsksTheServersOwnWayFirst) {
  SupervisedProcess server(spec(), clock);
  server.start({"sleep", "30"});
  auto p = plan(10s);
  pid_t asked = 0;
  p.ask = [&asked](pid_t pid) {
    asked = pid;
    return ::kill(pid, SIGUSR1) == 0;  // stands in for an admin client's shutdown
  };
  const pid_t pid = server.live()->pid;
  EXPECT_TRUE(server.stop(p));
  EXPECT_EQ(asked, pid);
  EXPECT_EQ(server.exit_description(), "was killed by signal " + std::to_string(SIGUSR1));
}

TEST_F(SupervisedProcessTest, AServerIgnoringSigtermIsKilledAfterItsGrace) {
  SupervisedProcess server(spec(), clock);
  // An ignored signal stays ignored across exec: sleep itself ignores TERM.
  const pid_t pid = server.start({"sh", "-c", "trap '' TERM; exec sleep 30"});
  ASSERT_TRUE(shows_command(pid, "sleep 30")) << "the trap is set before the exec";
  const auto began = clock.now();
  bool alive_at_grace_end = false;
  clock.on_sleep = [&](std::chrono::milliseconds) {
    // Within the grace only SIGTERM was sent (ignored); the last look of the
    // grace falls on its end, so any later pause follows the SIGKILL.
    if (clock.now() - began == 300ms) alive_at_grace_end = server.alive();
    if (clock.now() - began > 300ms) exits_by_next_look();
  };
  EXPECT_TRUE(server.stop(plan(300ms)));
  EXPECT_TRUE(alive_at_grace_end) << "the grace was given";
  EXPECT_GE(clock.now() - began, 300ms);
  EXPECT_EQ(server.exit_description(), "was killed by signal 9");
  EXPECT_FALSE(server.alive());
}

TEST_F(SupervisedProcessTest, AStopThatOutlivesItsPlanSaysSo) {
  SupervisedProcess server(spec(), clock);
  const pid_t pid = server.start({"sh", "-c", "trap '' TERM; exec sleep 30"});
  ASSERT_TRUE(shows_command(pid, "sleep 30"));
  auto p = plan(50ms);
  p.final_signal = SIGTERM;  // ignored too
  p.final_wait = 50ms;
  clock.on_sleep = nullptr;  // it never exits: the plan's time just passes
  EXPECT_FALSE(server.stop(p));
  EXPECT_TRUE(server.alive());
  clock.on_sleep = [](std::chrono::milliseconds) { exits_by_next_look(); };
  EXPECT_TRUE(server.stop(plan(0ms)));
}

TEST_F(SupervisedProcessTest, WaitingForReadinessEndsAsTheServerDoes) {
  SupervisedProcess server(spec("exit 3"), clock);
  server.start({"sh", "-c", "exit 3"});
  clock.on_sleep = [](std::chrono::milliseconds) { exits_by_next_look(); };
  EXPECT_EQ(server.wait_ready([] { return false; }, 10s, 1ms), Readiness::kExited);
  EXPECT_EQ(server.exit_description(), "exited with code 3");

  SupervisedProcess running(spec(), clock);
  running.start({"sleep", "30"});
  clock.on_sleep = nullptr;
  const auto began = clock.now();
  EXPECT_EQ(running.wait_ready([] { return false; }, 20ms, 1ms), Readiness::kTimedOut);
  EXPECT_EQ(clock.now() - began, 20ms) << "looked until the deadline, not past it";
  int probes = 0;
  EXPECT_EQ(running.wait_ready([&probes] { return ++probes == 3; }, 10s, 1ms), Readiness::kReady);
  EXPECT_EQ(probes, 3);
  clock.on_sleep = [](std::chrono::milliseconds) { exits_by_next_look(); };
  EXPECT_TRUE(running.stop(plan(10s)));
}

TEST_F(SupervisedProcessTest, AServerWritingItsOwnPidFileIsLeftToWriteIt) {
  auto s = spec();
  s.writes_pid_file = true;
  SupervisedProcess server(s, clock);
  server.start({"sleep", "30"});
  EXPECT_FALSE(std::filesystem::exists(dir + "/server.pid"));
  EXPECT_TRUE(server.alive()) << "our child is live without a pid file";
  EXPECT_TRUE(server.stop(plan(10s)));
}

}  // namespace
}  // namespace automat::guestagent
