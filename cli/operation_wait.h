#pragma once
// --wait for commands: waiting on the operations a request started, telling
// the user why one did not complete, and one exit code for several.
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "cli/progress.h"
#include "cli/session.h"
#include "cli/waiter.h"

namespace automat::cli {

// The id of the operation an accepted request started. Throws common::Error
// (kInternal) when the server sent none to wait on.
std::string require_operation_id(const Accepted& accepted);

// Without --wait: prints that the server accepted the request to `what`
// ("delete instance <id>") and its operation, or with -f json the answer's
// body ({"operation": {"id"}} when it had none).
void print_accepted(Session& session, const Accepted& accepted, const std::string& what);

// Waits for operation `id`. When it FAILED, prints describe_failure; when the
// wait gave up, where the operation stood and how to follow it. Both go to
// session.err, prefixed with "<label>: " when `label` is not empty.
WaitOutcome wait_and_report(Session& session, OperationWaiter& waiter, const std::string& id,
                            const std::string& label = "");

// Waits for the one operation `accepted` started (progress on session.err)
// and reports as wait_and_report does. Throws common::Error (kInternal) when
// the answer named no operation.
WaitOutcome wait_for_accepted(Session& session, ApiClient& api, const Accepted& accepted);

// True once GET endpoint+`path` answers 404 (the resource was deleted);
// false while it still answers, or the API is unreachable or answers 5xx (so
// a wait retries). Any other error answer is thrown as common::Error.
bool resource_gone(ApiClient& api, const std::string& path);

// --wait for a delete that `accepted` started: waits for its operation, then
// for `path` to answer 404, showing progress; then prints "<Kind> <id>
// deleted." (-f json: the final GET /operations/<id> answer). `kind` is
// "instance", "cluster", ... Returns the exit code (exit_code_of).
int wait_until_deleted(Session& session, ApiClient& api, const Accepted& accepted,
                       const std::string& kind, const std::string& id, const std::string& path);

// An operation to wait on, and what tells it apart from its siblings.
struct LabelledOperation {
  std::string label;  // e.g. the instance's name
  std::string id;
};

// Waits for each operation in turn under the waiter's single deadline (the
// server runs them side by side), labelling each one's progress on
// `progress` (the printer `waiter` draws on) and reporting as
// wait_and_report does. Every operation is waited on even after one failed.
// Returns kFailed when any failed, else kTimedOut when any was still
// running at the deadline, else kCompleted.
WaitOutcome wait_for_each(Session& session, OperationWaiter& waiter, ProgressPrinter& progress,
                          const std::vector<LabelledOperation>& operations);

}  // namespace automat::cli
