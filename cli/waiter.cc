#include "cli/waiter.h"

#include <algorithm>

#include "cli/errors.h"
#include "cli/json_fields.h"
#include "common/status.h"

namespace automat::cli {
namespace {

bool still_running(const std::string& state) {
  return state.empty() || state == common::op_state::kSubmitted ||
         state == common::op_state::kRunning;
}

// What the progress line says about the operation.
std::string progress_message(const nlohmann::json& operation) {
  std::string message = field_text(operation, "message");
  if (message.empty()) message = field_text(operation, "step_name");
  if (message.empty() && field_text(operation, "state") == common::op_state::kSubmitted) {
    message = "queued for a taskmanager";
  }
  return message;
}

// GET /operations/<id> answers {"operation": {...}}.
nlohmann::json operation_of(const nlohmann::json& body) {
  nlohmann::json operation = field_json(body, "operation");
  if (operation.is_object()) return operation;
  throw common::Error(common::ErrorCode::kInternal,
                      "the server's operation answer has no \"operation\" object");
}

}  // namespace

int exit_code_of(WaitOutcome outcome) {
  switch (outcome) {
    case WaitOutcome::kCompleted:
      return 0;
    case WaitOutcome::kFailed:
      return 1;
    case WaitOutcome::kTimedOut:
      return 2;
  }
  return 1;
}

OperationWaiter::OperationWaiter(ApiClient& api, PollClock& clock, ProgressPrinter& progress,
                                 WaitOptions options)
    : api_(api), clock_(clock), progress_(progress), options_(options) {}

void OperationWaiter::start_clock() {
  if (started_) return;
  started_ = true;
  start_ = clock_.now();
}

double OperationWaiter::elapsed_seconds() const {
  if (!started_) return 0;
  return std::chrono::duration<double>(clock_.now() - start_).count();
}

bool OperationWaiter::past_deadline() const { return clock_.now() - start_ >= options_.timeout; }

void OperationWaiter::pause() {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(start_ + options_.timeout -
                                                                    clock_.now());
  clock_.sleep_for(std::max(std::chrono::milliseconds(1), std::min(options_.poll_interval, left)));
}

WaitResult OperationWaiter::wait_for_operation(const std::string& operation_id) {
  start_clock();
  WaitResult result;
  const std::string path = "/operations/" + path_segment(operation_id);
  while (true) {
    std::string message;
    try {
      result.operation = operation_of(api_.get(path));
      std::string state = field_text(result.operation, "state");
      message = progress_message(result.operation);
      if (state == common::op_state::kCompleted) {
        progress_.update(1.0, message, elapsed_seconds());
        progress_.finish();
        result.outcome = WaitOutcome::kCompleted;
        return result;
      }
      if (!still_running(state)) {
        progress_.finish();
        result.outcome = WaitOutcome::kFailed;
        return result;
      }
    } catch (const ConnectionError&) {
      message = "automat-api unreachable, retrying";
    } catch (const common::Error& error) {
      if (error.http_status() < 500) {
        progress_.finish();
        throw;
      }
      message = std::string("server error, retrying: ") + error.what();
    }
    progress_.update(field_number(result.operation, "progress", 0), message, elapsed_seconds());
    if (past_deadline()) {
      progress_.finish();
      result.outcome = WaitOutcome::kTimedOut;
      return result;
    }
    pause();
  }
}

WaitOutcome OperationWaiter::wait_until(const std::function<bool()>& probe,
                                        const std::string& message) {
  start_clock();
  while (!probe()) {
    progress_.update(1.0, message, elapsed_seconds());
    if (past_deadline()) {
      progress_.finish();
      return WaitOutcome::kTimedOut;
    }
    pause();
  }
  progress_.finish();
  return WaitOutcome::kCompleted;
}

WaitOutcome OperationWaiter::poll_until(const std::function<PollStep()>& poll) {
  start_clock();
  double progress = 0;
  while (true) {
    std::string message;
    try {
      PollStep step = poll();
      progress = step.progress;
      message = step.message;
      if (step.outcome != WaitOutcome::kTimedOut) {
        if (step.outcome == WaitOutcome::kCompleted) {
          progress_.update(progress, message, elapsed_seconds());
        }
        progress_.finish();
        return step.outcome;
      }
    } catch (const ConnectionError&) {
      message = "automat-api unreachable, retrying";
    } catch (const common::Error& error) {
      if (error.http_status() < 500) {
        progress_.finish();
        throw;
      }
      message = std::string("server error, retrying: ") + error.what();
    }
    progress_.update(progress, message, elapsed_seconds());
    if (past_deadline()) {
      progress_.finish();
      return WaitOutcome::kTimedOut;
    }
    pause();
  }
}

std::string describe_failure(const nlohmann::json& operation) {
  std::string text = "operation " + field_text(operation, "id");
  std::string type = field_text(operation, "type");
  if (!type.empty()) text += " (" + type + ")";
  text += " " + field_text(operation, "state");
  std::string message = field_text(operation, "message");
  if (!message.empty()) text += ": " + message;
  text += "\n";
  nlohmann::json errors = field_json(operation, "errors");
  if (errors.is_array()) {
    for (const auto& error : errors) {
      std::string host = field_text(error, "host");
      std::string detail = error.is_object() ? field_text(error, "message") : display_text(error);
      text += "  " + (host.empty() ? detail : host + ": " + detail) + "\n";
    }
  }
  return text;
}

}  // namespace automat::cli
