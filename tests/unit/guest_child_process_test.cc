// run_command and ChildProcess against real, tiny commands.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/error.h"
#include "common/process_table.h"
#include "guestagent/child_process.h"

namespace automat::guestagent {
namespace {

using namespace std::chrono_literals;

TEST(RunCommand, FeedsStdinAndCapturesOutputAndExitCode) {
  const auto r = run_command({"sh", "-c", "cat; echo err >&2; exit 3"}, "hello\n", 10s);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.output.find("hello"), std::string::npos);
  EXPECT_NE(r.output.find("err"), std::string::npos);
}

TEST(RunCommand, LargeInputIsDeliveredWhole) {
  const std::string input(1 << 20, 'x');
  const auto r = run_command({"wc", "-c"}, input, 10s);
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_EQ(std::stoul(r.output), input.size());
}

TEST(RunCommand, ChildThatIgnoresStdinDoesNotKillTheCaller) {
  const auto r = run_command({"true"}, std::string(1 << 20, 'y'), 10s);
  EXPECT_TRUE(r.ok());
}

TEST(RunCommand, KilledAtTheDeadline) {
  // A deadline already due: nothing is waited for, the child is killed.
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command({"sleep", "30"}, "", 0ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s) << "not waited for its 30 s";
}

TEST(RunCommand, MissingProgramThrows) {
  EXPECT_THROW(run_command({"/nonexistent/automat-no-such-binary"}, "", 1s), common::Error);
}

TEST(RunCommand, ChildDoesNotInheritDescriptorsOrBlockedSignals) {
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  const auto r =
      run_command({"sh", "-c", "ls /proc/self/fd; grep SigBlk /proc/self/status"}, "", 10s);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_NE(r.output.find("SigBlk:\t0000000000000000"), std::string::npos) << r.output;
}

TEST(ChildProcess, RunsInOurSessionAndIsReaped) {
  ChildProcess child = ChildProcess::spawn({"sleep", "30"}, "/dev/null");
  ASSERT_GT(child.pid(), 0);
  EXPECT_TRUE(child.running());
  EXPECT_EQ(common::session_of(child.pid()), ::getsid(0));
  // The new image's arguments show up a moment after posix_spawn returns
  // (the kernel signals nothing: look again without sleeping).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (common::command_line_of(child.pid()) != "sleep 30" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(common::command_line_of(child.pid()), "sleep 30");
  EXPECT_FALSE(child.wait_exit(0ms)) << "still running";
  ASSERT_TRUE(send_signal(child.pid(), SIGTERM));
  ASSERT_TRUE(child.wait_exit(10s));
  EXPECT_FALSE(child.running());
  ASSERT_TRUE(child.wait_status());
  EXPECT_TRUE(WIFSIGNALED(*child.wait_status()));
  EXPECT_FALSE(common::process_alive(child.pid()));  // reaped, not a zombie
}

TEST(ChildProcess, AppendsOutputToTheLogFile) {
  const std::string log = std::filesystem::temp_directory_path() /
                          ("automat-child-" + std::to_string(::getpid()) + ".log");
  std::ofstream(log) << "earlier\n";
  ChildProcess child = ChildProcess::spawn({"sh", "-c", "echo out; echo err >&2"}, log);
  ASSERT_TRUE(child.wait_exit(10s));
  EXPECT_TRUE(WIFEXITED(*child.wait_status()) && WEXITSTATUS(*child.wait_status()) == 0);
  std::ifstream f(log);
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "earlier\nout\nerr\n");
  std::filesystem::remove(log);
}

TEST(TailLines, KeepsTheLastLinesWithoutTrailingBlanks) {
  EXPECT_EQ(tail_lines("a\nb\nc\nd\n\n  ", 2), "c\nd");
  EXPECT_EQ(tail_lines("only\n", 5), "only");
  EXPECT_EQ(tail_lines("", 3), "");
}

}  // namespace
}  // namespace automat::guestagent
