#pragma once
// Finds operations nobody is driving — RUNNING ones whose owner's lease
// lapsed (a taskmanager was killed), SUBMITTED ones whose message was lost —
// and runs them from their saved cursor. Scans at start and every
// [taskmanager] resume_scan_seconds; this is what makes kill -9 safe: a
// killed owner's operation is claimed here within its lease plus one scan.
#include <chrono>

#include "common/stop_signal.h"
#include "db/repositories.h"
#include "taskmanager/operation_dispatcher.h"

namespace automat::taskmanager {

class ResumeScanner {
 public:
  // Every reference must outlive the scanner.
  ResumeScanner(db::OperationRepository& operations, OperationDispatcher& dispatcher,
                common::StopSignal& stop, std::chrono::seconds interval,
                std::chrono::seconds unclaimed_grace);

  // Scans until stop is requested. Never throws. Call from one thread.
  void run();
  // One scan: claims and starts resumable operations while workers are
  // free. Returns how many it started. Throws common::Error when the
  // database is unreachable.
  int scan_once();

 private:
  db::OperationRepository& operations_;
  OperationDispatcher& dispatcher_;
  common::StopSignal& stop_;
  const std::chrono::seconds interval_;
  const std::chrono::seconds unclaimed_grace_;
};

}  // namespace automat::taskmanager
