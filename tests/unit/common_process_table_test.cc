// common/process_table.h against this test's own process and real, tiny
// children: what /proc says of a live, a gone and a half-exited process,
// and a signal that goes only where the pid and start time still match.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/process_table.h"

namespace automat::common {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Looks again (without sleeping) until `pred` holds or 10 s passed.
template <typename Pred>
bool soon(Pred pred) {
  const auto deadline = Clock::now() + 10s;
  while (!pred() && Clock::now() < deadline) std::this_thread::yield();
  return pred();
}

void* sleep_forever(void*) {
  for (;;) ::pause();
  return nullptr;
}

TEST(ProcessTable, ReadsThisProcessAsTheKernelSeesIt) {
  const auto st = read_stat(::getpid());
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->exited());
  EXPECT_EQ(st->ppid, ::getppid());
  EXPECT_EQ(st->session, ::getsid(0));
  EXPECT_EQ(session_of(::getpid()), ::getsid(0));
  EXPECT_TRUE(process_alive(::getpid()));
  const auto start = process_start(::getpid());
  ASSERT_TRUE(start);
  EXPECT_EQ(start->start_ticks, st->start_ticks);
  EXPECT_TRUE(still_running(*start));

  const auto args = process_cmdline(::getpid());
  ASSERT_FALSE(args.empty());
  std::string joined;
  for (const auto& a : args) joined += (joined.empty() ? "" : " ") + a;
  EXPECT_EQ(command_line_of(::getpid()), joined);

  bool listed = false;
  for (const auto& p : process_table()) {
    if (p.pid == ::getpid()) listed = p.start_ticks == st->start_ticks && p.args == args;
  }
  EXPECT_TRUE(listed) << "the table lists this process with its start time and argv";
}

TEST(ProcessTable, AProcessThatIsGoneReadsAsNothing) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  const auto st = read_stat(child);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  EXPECT_FALSE(read_stat(child));
  EXPECT_FALSE(process_alive(child));
  EXPECT_FALSE(session_of(child));
  EXPECT_TRUE(process_cmdline(child).empty());
  EXPECT_EQ(command_line_of(child), "");
  if (st) {
    EXPECT_FALSE(still_running(ProcessStart{child, st->start_ticks}));
    EXPECT_FALSE(signal_same_process(ProcessStart{child, st->start_ticks}, SIGKILL));
  }
}

// A JVM's main thread can exit (a zombie) while its other threads run on:
// the process is no longer "alive" as a table row, yet it still runs and a
// signal to it is still delivered.
TEST(ProcessTable, AZombieMainThreadWithAThreadLeftStillRunsAndIsSignalled) {
  const pid_t child = ::fork();
  if (child == 0) {
    pthread_t t;
    if (::pthread_create(&t, nullptr, sleep_forever, nullptr) != 0) ::_exit(1);
    // Ends this thread only (exit, not exit_group), without unwinding:
    // pthread_exit's forced unwind would run into the test framework's
    // catch-all in this forked copy and abort the whole child.
    ::syscall(SYS_exit, 0);
  }
  ASSERT_GT(child, 0);
  const auto st = read_stat(child);  // the start time is there from the fork
  ASSERT_TRUE(st);
  const ProcessStart who{child, st->start_ticks};
  ASSERT_TRUE(soon([&] {
    const auto now = read_stat(child);
    return now && now->exited();
  })) << "the main thread exits";

  EXPECT_FALSE(process_alive(child));
  EXPECT_FALSE(process_start(child));
  EXPECT_TRUE(still_running(who)) << "its other thread runs";
  EXPECT_FALSE(signal_same_process(ProcessStart{child, who.start_ticks + 1}, SIGKILL))
      << "another start time: another process";
  EXPECT_TRUE(signal_same_process(who, SIGKILL));
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(still_running(who));
}

}  // namespace
}  // namespace automat::common
