#include "cli/operation_wait.h"

#include <cctype>

#include "cli/errors.h"
#include "cli/json_fields.h"

namespace automat::cli {
namespace {

std::string prefix(const std::string& label) { return label.empty() ? "" : label + ": "; }

void report_timeout(const Session& session, const std::string& operation_id,
                    const nlohmann::json& operation, const std::string& label) {
  session.err << "ERROR: " << prefix(label) << "gave up after " << session.options.timeout_seconds
              << "s waiting for operation " << operation_id;
  if (operation.is_object()) {
    session.err << " (" << field_text(operation, "state") << ", "
                << static_cast<int>(field_number(operation, "progress", 0) * 100) << "%)";
  }
  session.err << "; it goes on on the server: automat operation show " << operation_id << "\n";
}

// kFailed outranks kTimedOut outranks kCompleted.
WaitOutcome worse(WaitOutcome a, WaitOutcome b) {
  auto rank = [](WaitOutcome outcome) {
    return outcome == WaitOutcome::kFailed ? 2 : outcome == WaitOutcome::kTimedOut ? 1 : 0;
  };
  return rank(b) > rank(a) ? b : a;
}

}  // namespace

std::string require_operation_id(const Accepted& accepted) {
  if (accepted.operation_id.empty()) {
    throw common::Error(common::ErrorCode::kInternal,
                        "the server accepted the request but sent no operation id to wait on");
  }
  return accepted.operation_id;
}

void print_accepted(Session& session, const Accepted& accepted, const std::string& what) {
  if (session.json_output()) {
    session.print(accepted.body.is_null()
                      ? nlohmann::json{{"operation", {{"id", accepted.operation_id}}}}
                      : accepted.body,
                  {});
    return;
  }
  session.out << "Request to " << what << " was accepted";
  if (!accepted.operation_id.empty()) session.out << " (operation " << accepted.operation_id << ")";
  session.out << ".\n";
}

WaitOutcome wait_and_report(Session& session, OperationWaiter& waiter, const std::string& id,
                            const std::string& label) {
  WaitResult result = waiter.wait_for_operation(id);
  if (result.outcome == WaitOutcome::kFailed) {
    session.err << "ERROR: " << prefix(label) << describe_failure(result.operation);
  } else if (result.outcome == WaitOutcome::kTimedOut) {
    report_timeout(session, id, result.operation, label);
  }
  return result.outcome;
}

WaitOutcome wait_for_accepted(Session& session, ApiClient& api, const Accepted& accepted) {
  std::string operation_id = require_operation_id(accepted);
  ProgressPrinter progress(session.err, session.terminal.live, session.terminal.width);
  OperationWaiter waiter(api, session.clock, progress, session.wait_options());
  return wait_and_report(session, waiter, operation_id);
}

bool resource_gone(ApiClient& api, const std::string& path) {
  try {
    api.get(path);
    return false;
  } catch (const ConnectionError&) {
    return false;
  } catch (const common::Error& error) {
    if (error.code() == common::ErrorCode::kNotFound) return true;
    if (error.http_status() >= 500) return false;
    throw;
  }
}

int wait_until_deleted(Session& session, ApiClient& api, const Accepted& accepted,
                       const std::string& kind, const std::string& id, const std::string& path) {
  std::string operation_id = require_operation_id(accepted);
  ProgressPrinter progress(session.err, session.terminal.live, session.terminal.width);
  OperationWaiter waiter(api, session.clock, progress, session.wait_options());
  WaitOutcome outcome = wait_and_report(session, waiter, operation_id);
  if (outcome != WaitOutcome::kCompleted) return exit_code_of(outcome);
  outcome = waiter.wait_until([&] { return resource_gone(api, path); },
                              "waiting for the " + kind + " to go");
  if (outcome != WaitOutcome::kCompleted) {
    session.err << "ERROR: operation " << operation_id << " completed but " << kind << " " << id
                << " is still listed after " << session.options.timeout_seconds << "s\n";
    return exit_code_of(outcome);
  }
  if (session.json_output()) {
    session.print(api.get("/operations/" + path_segment(operation_id)), {});
  } else {
    std::string sentence = kind + " " + id + " deleted.";
    sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence[0])));
    session.out << sentence << "\n";
  }
  return 0;
}

WaitOutcome wait_for_each(Session& session, OperationWaiter& waiter, ProgressPrinter& progress,
                          const std::vector<LabelledOperation>& operations) {
  WaitOutcome overall = WaitOutcome::kCompleted;
  for (const auto& operation : operations) {
    progress.set_label(operation.label);
    overall = worse(overall, wait_and_report(session, waiter, operation.id, operation.label));
  }
  progress.set_label("");
  return overall;
}

}  // namespace automat::cli
