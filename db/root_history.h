#pragma once
// Trove's root-enabled history: whether root was enabled on an instance and
// not disabled since. The API records it after the guest enabled or
// disabled root, and answers "is root enabled?" from it (as Trove does).
// RootHistoryRepository's PostgreSQL implementation is PgRootHistory
// (db/pg_root_history.h); tests/fakes/fake_root_history.h keeps the same
// promises in memory. Thread-safe; throws common::Error (kUnavailable when
// the database cannot be reached).
#include <string>
#include <vector>

namespace automat::db {

class RootHistoryRepository {
 public:
  virtual ~RootHistoryRepository() = default;
  // Root is enabled (now) on each of `instance_ids`, in one transaction.
  // Ids that name no instance throw common::Error(kBadRequest), nothing recorded.
  virtual void record_enabled(const std::vector<std::string>& instance_ids) = 0;
  // Root is disabled (now) on `instance_id`; no-op when it was never enabled.
  virtual void record_disabled(const std::string& instance_id) = 0;
  // Whether root was enabled on any of `instance_ids` and not disabled since.
  virtual bool is_enabled(const std::vector<std::string>& instance_ids) = 0;
};

}  // namespace automat::db
