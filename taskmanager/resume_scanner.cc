#include "taskmanager/resume_scanner.h"

#include "common/log.h"

namespace automat::taskmanager {
namespace {

constexpr int kScanLimit = 100;

}  // namespace

ResumeScanner::ResumeScanner(db::OperationRepository& operations, OperationDispatcher& dispatcher,
                             common::StopSignal& stop, std::chrono::seconds interval,
                             std::chrono::seconds unclaimed_grace)
    : operations_(operations),
      dispatcher_(dispatcher),
      stop_(stop),
      interval_(interval),
      unclaimed_grace_(unclaimed_grace) {}

void ResumeScanner::run() {
  do {
    try {
      const int started = scan_once();
      if (started > 0)
        common::log::info("operations.resumed", {{"count", std::to_string(started)}});
    } catch (const std::exception& e) {
      common::log::warn("operations.scan_failed", {{"error", e.what()}});
    }
  } while (!stop_.wait_for(interval_));
}

int ResumeScanner::scan_once() {
  int started = 0;
  for (const auto& op_id : operations_.list_resumable(unclaimed_grace_, kScanLimit)) {
    if (stop_.requested()) break;
    auto ticket = dispatcher_.pool().reserve(std::chrono::milliseconds(0));
    if (!ticket) break;  // every worker busy; the next scan takes the rest
    if (!ticket->bind(op_id)) continue;
    if (dispatcher_.start(std::move(*ticket), op_id) == OperationDispatcher::Result::kStarted) {
      ++started;
    }
  }
  return started;
}

}  // namespace automat::taskmanager
