// guestagent/server_changes.h: start, stop, restart and resize as every
// guest manager makes them, over a server the test scripts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "common/status.h"
#include "guestagent/server_changes.h"

namespace automat::guestagent {
namespace {

namespace status = common::service_status;

class ServerChangesTest : public ::testing::Test {
 protected:
  ServerChangesTest()
      : lifecycle({"the test node n-1", "the test server on n-1 is not answering",
                   [this] { return running ? ServerHealth::kAnswering : ServerHealth::kDown; },
                   [this] {
                     return NodeLifecycle::Record{prepared, should_run};
                   },
                   nullptr}),
        changes(lifecycle, steps()) {}

  ServerChanges::Steps steps() {
    ServerChanges::Steps s;
    s.set_should_run = [this](bool run) {
      should_run = run;
      calls.push_back(run ? "should_run" : "should_not_run");
    };
    s.set_up = [this] { return set_up; };
    s.start = [this] {
      calls.push_back("start " + std::to_string(ram_mb));
      if (ram_mb == refused_ram_mb) throw common::internal_error("out of memory");
      running = true;
    };
    s.stop = [this] {
      calls.push_back("stop");
      running = false;
    };
    s.ram_mb = [this] { return ram_mb; };
    s.configure = [this](int mb) { ram_mb = mb; };
    s.not_started = [](int mb, int old_mb, const std::string& reason) {
      return std::to_string(mb) + " refused (" + reason + "), back on " + std::to_string(old_mb);
    };
    s.event = "test";
    s.instance = "n-1";
    return s;
  }

  bool prepared = true;
  bool set_up = true;
  bool should_run = false;
  bool running = false;
  int ram_mb = 1024;
  int refused_ram_mb = -1;
  std::vector<std::string> calls;
  NodeLifecycle lifecycle;
  ServerChanges changes;
};

TEST_F(ServerChangesTest, StartAndStopRecordWhetherTheServerShouldRun) {
  changes.start();
  EXPECT_EQ(calls, (std::vector<std::string>{"should_run", "start 1024"}));
  EXPECT_EQ(lifecycle.status(), status::kRunning);
  changes.stop();
  EXPECT_EQ(calls.back(), "stop");
  EXPECT_FALSE(should_run);
  EXPECT_EQ(lifecycle.status(), status::kShutdown) << "stopped on request, not crashed";
}

TEST_F(ServerChangesTest, AStopOfANodeNeverSetUpDoesNothing) {
  set_up = false;
  changes.stop();
  EXPECT_TRUE(calls.empty());
}

TEST_F(ServerChangesTest, AStartBeforeThePrepareIsAConflict) {
  prepared = false;
  try {
    changes.start();
    FAIL() << "expected a conflict";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
  EXPECT_TRUE(calls.empty());
}

TEST_F(ServerChangesTest, ARestartStopsThenStarts) {
  changes.restart();
  EXPECT_EQ(calls, (std::vector<std::string>{"should_run", "stop", "start 1024"}));
}

TEST_F(ServerChangesTest, AResizeStartsTheServerWithTheNewMemory) {
  changes.resize(2048);
  EXPECT_EQ(calls, (std::vector<std::string>{"should_run", "stop", "start 2048"}));
  EXPECT_EQ(ram_mb, 2048);
  EXPECT_THROW(changes.resize(0), common::Error) << "a resize needs memory";
}

TEST_F(ServerChangesTest, AServerThatDoesNotStartWithTheNewMemoryRunsAgainWithTheOld) {
  refused_ram_mb = 4096;
  try {
    changes.resize(4096);
    FAIL() << "expected the resize to fail";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    EXPECT_STREQ(e.what(), "4096 refused (out of memory), back on 1024");
  }
  EXPECT_EQ(calls,
            (std::vector<std::string>{"should_run", "stop", "start 4096", "stop", "start 1024"}));
  EXPECT_EQ(ram_mb, 1024);
  EXPECT_TRUE(running);
}

}  // namespace
}  // namespace automat::guestagent
