#include <gtest/gtest.h>

#include <sstream>

#include "cli/api_client.h"
#include "cli/errors.h"
#include "cli/waiter.h"
#include "tests/fakes/fake_http_client.h"
#include "tests/fakes/fake_poll_clock.h"

namespace automat::cli {
namespace {

using testing::FakeHttpClient;
using testing::FakePollClock;
using testing::json_response;
using namespace std::chrono_literals;

nlohmann::json operation(const std::string& state, double progress, const std::string& message) {
  return {{"operation",
           {{"id", "op1"},
            {"type", "instance.create"},
            {"state", state},
            {"progress", progress},
            {"message", message},
            {"errors", nlohmann::json::array()}}}};
}

class CliWaiterTest : public ::testing::Test {
 protected:
  WaitResult wait(std::chrono::milliseconds timeout = 60s) {
    ApiClient api(http_, "http://api/v1.0/t", "tok", 5s);
    ProgressPrinter progress(progress_out_, /*live=*/false, 80);
    OperationWaiter waiter(api, clock_, progress, WaitOptions{500ms, timeout});
    return waiter.wait_for_operation("op1");
  }

  FakeHttpClient http_;
  FakePollClock clock_;
  std::ostringstream progress_out_;
};

TEST_F(CliWaiterTest, CompletedAfterPollingEveryHalfSecond) {
  http_.on("GET", "/operations/op1", json_response(200, operation("SUBMITTED", 0, "")));
  http_.on("GET", "/operations/op1",
           json_response(200, operation("RUNNING", 0.5, "starting MariaDB")));
  http_.on("GET", "/operations/op1", json_response(200, operation("COMPLETED", 1, "ready")));
  WaitResult result = wait();
  EXPECT_EQ(result.outcome, WaitOutcome::kCompleted);
  EXPECT_EQ(exit_code_of(result.outcome), 0);
  EXPECT_EQ(http_.count("GET", "/operations/op1"), 3);
  EXPECT_EQ(clock_.sleeps, (std::vector<std::chrono::milliseconds>{500ms, 500ms}));
  EXPECT_EQ(http_.last("GET", "/operations/op1").headers.front().second, "tok");
  EXPECT_EQ(progress_out_.str(),
            "0%  queued for a taskmanager  (0.0s)\n"
            "50%  starting MariaDB  (0.5s)\n"
            "100%  ready  (1.0s)\n");
}

TEST_F(CliWaiterTest, FailedReturnsTheOperationWithItsHostErrors) {
  nlohmann::json failed = operation("FAILED", 0.4, "prepare failed");
  failed["operation"]["errors"] = {{{"host", "127.10.0.5"}, {"message", "mariadbd did not start"}}};
  http_.on("GET", "/operations/op1", json_response(200, operation("RUNNING", 0.4, "preparing")));
  http_.on("GET", "/operations/op1", json_response(200, failed));
  WaitResult result = wait();
  EXPECT_EQ(result.outcome, WaitOutcome::kFailed);
  EXPECT_EQ(exit_code_of(result.outcome), 1);
  EXPECT_EQ(describe_failure(result.operation),
            "operation op1 (instance.create) FAILED: prepare failed\n"
            "  127.10.0.5: mariadbd did not start\n");
}

TEST_F(CliWaiterTest, GivesUpAtTheTimeout) {
  http_.on("GET", "/operations/op1", json_response(200, operation("RUNNING", 0.2, "slow")));
  WaitResult result = wait(2s);
  EXPECT_EQ(result.outcome, WaitOutcome::kTimedOut);
  EXPECT_EQ(exit_code_of(result.outcome), 2);
  // Polls at 0, 0.5, 1.0, 1.5 and 2.0 s, then stops.
  EXPECT_EQ(http_.count("GET", "/operations/op1"), 5);
  EXPECT_EQ(result.operation["state"], "RUNNING");
}

TEST_F(CliWaiterTest, RetriesWhileTheApiIsUnreachableOrFailing) {
  http_.refuse("GET", "/operations/op1");
  http_.on("GET", "/operations/op1",
           json_response(503, {{"serviceUnavailable", {{"code", 503}, {"message", "db down"}}}}));
  http_.on("GET", "/operations/op1", json_response(200, operation("COMPLETED", 1, "")));
  EXPECT_EQ(wait().outcome, WaitOutcome::kCompleted);
  EXPECT_EQ(http_.count("GET", "/operations/op1"), 3);
  EXPECT_NE(progress_out_.str().find("automat-api unreachable, retrying"), std::string::npos);
  EXPECT_NE(progress_out_.str().find("server error, retrying: db down"), std::string::npos);
}

TEST_F(CliWaiterTest, ClientErrorsAreThrown) {
  http_.on(
      "GET", "/operations/op1",
      json_response(404, {{"itemNotFound", {{"code", 404}, {"message", "no operation op1"}}}}));
  try {
    wait();
    ADD_FAILURE() << "no error thrown";
  } catch (const common::Error& error) {
    EXPECT_EQ(error.http_status(), 404);
    EXPECT_STREQ(error.what(), "no operation op1");
  }
}

TEST_F(CliWaiterTest, WaitUntilPollsTheProbe) {
  ApiClient api(http_, "http://api/v1.0/t", "tok", 5s);
  ProgressPrinter progress(progress_out_, false, 80);
  OperationWaiter waiter(api, clock_, progress, WaitOptions{500ms, 1s});
  int calls = 0;
  EXPECT_EQ(waiter.wait_until([&] { return ++calls == 2; }, "going"), WaitOutcome::kCompleted);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(waiter.wait_until([] { return false; }, "never"), WaitOutcome::kTimedOut);
}

}  // namespace
}  // namespace automat::cli
