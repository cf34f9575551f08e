#include "cli/backup_wait.h"

#include <cmath>

#include "cli/backup_request.h"
#include "cli/backup_views.h"
#include "cli/errors.h"
#include "cli/json_fields.h"
#include "cli/progress.h"
#include "cli/waiter.h"

namespace automat::cli {
namespace {

constexpr const char* kCompleted = "COMPLETED";
constexpr const char* kFailed = "FAILED";
constexpr const char* kDeleteFailed = "DELETE_FAILED";

// GET /backups/<id> answers {"backup": {...}}.
nlohmann::json get_backup(ApiClient& api, const std::string& id) {
  nlohmann::json backup = field_json(api.get(backup_path(id)), "backup");
  if (backup.is_object()) return backup;
  throw common::Error(common::ErrorCode::kInternal,
                      "the server's backup answer has no \"backup\" object");
}

std::string progress_message(const std::string& status) {
  if (status == "NEW") return "queued";
  if (status == "BUILDING") return "backing up";
  return "backup is " + status;
}

void report_failure(Session& session, const std::string& id, const nlohmann::json& backup) {
  session.err << "ERROR: backup " << id << " " << field_text(backup, "status") << "\n"
              << backup_errors_lines(backup);
}

void report_timeout(Session& session, const std::string& id, const nlohmann::json& backup,
                    const std::string& waiting_for) {
  session.err << "ERROR: gave up after " << session.options.timeout_seconds << "s waiting for "
              << waiting_for << " of backup " << id;
  if (backup.is_object()) {
    session.err << " (" << field_text(backup, "status") << ", "
                << std::lround(field_number(backup, "progress", 0) * 100) << "%)";
  }
  session.err << "; it goes on on the server: automat backup show " << id << "\n";
}

}  // namespace

int wait_for_backup(Session& session, ApiClient& api, const std::string& id) {
  ProgressPrinter progress(session.err, session.terminal.live, session.terminal.width);
  OperationWaiter waiter(api, session.clock, progress, session.wait_options());
  nlohmann::json backup;
  WaitOutcome outcome = waiter.poll_until([&] {
    backup = get_backup(api, id);
    const std::string status = field_text(backup, "status");
    PollStep step{WaitOutcome::kTimedOut, field_number(backup, "progress", 0),
                  progress_message(status)};
    if (status == kCompleted) step.outcome = WaitOutcome::kCompleted;
    if (status == kFailed) step.outcome = WaitOutcome::kFailed;
    return step;
  });
  if (outcome == WaitOutcome::kCompleted) {
    session.print(backup, backup_table(backup));
  } else if (outcome == WaitOutcome::kFailed) {
    report_failure(session, id, backup);
  } else {
    report_timeout(session, id, backup, "the completion");
  }
  return exit_code_of(outcome);
}

int wait_for_backup_deleted(Session& session, ApiClient& api, const std::string& id,
                            const nlohmann::json& before) {
  ProgressPrinter progress(session.err, session.terminal.live, session.terminal.width);
  OperationWaiter waiter(api, session.clock, progress, session.wait_options());
  // A DELETE_FAILED view that is exactly the one from before the DELETE is
  // stale: the server has not taken this attempt up yet.
  auto stale = [&before](const nlohmann::json& backup) {
    return field_text(before, "status") == kDeleteFailed &&
           field_text(before, "updated") == field_text(backup, "updated");
  };
  nlohmann::json backup;
  WaitOutcome outcome = waiter.poll_until([&] {
    try {
      backup = get_backup(api, id);
    } catch (const common::Error& error) {
      if (error.code() != common::ErrorCode::kNotFound) throw;
      return PollStep{WaitOutcome::kCompleted, 1.0, "deleted"};
    }
    bool failed = field_text(backup, "status") == kDeleteFailed && !stale(backup);
    return PollStep{failed ? WaitOutcome::kFailed : WaitOutcome::kTimedOut, 0,
                    "waiting for the backup to go"};
  });
  if (outcome == WaitOutcome::kCompleted) {
    session.out << "Backup " << id << " deleted.\n";
  } else if (outcome == WaitOutcome::kFailed) {
    report_failure(session, id, backup);
  } else {
    report_timeout(session, id, backup, "the deletion");
  }
  return exit_code_of(outcome);
}

}  // namespace automat::cli
