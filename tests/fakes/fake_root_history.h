#pragma once
// An in-memory db::RootHistoryRepository keeping db/root_history.h's
// promises (tests/support/root_history_contract.h checks both it and the
// PostgreSQL one). With `instances` set, unknown ids are refused as the
// table's foreign key refuses them. Thread-safe.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "db/root_history.h"
#include "tests/fakes/fake_instance_repository.h"

namespace automat::testing {

class FakeRootHistory : public db::RootHistoryRepository {
 public:
  explicit FakeRootHistory(FakeInstanceRepository* instances = nullptr) : instances_(instances) {}

  bool unavailable = false;             // every call throws kUnavailable while set
  std::map<std::string, bool> enabled;  // by instance id: enabled now?

  void record_enabled(const std::vector<std::string>& instance_ids) override {
    std::lock_guard<std::mutex> l(mu_);
    check();
    if (instances_) {
      std::lock_guard<std::mutex> il(instances_->mu);
      for (const auto& id : instance_ids) {
        if (!instances_->instances.count(id)) {
          throw common::bad_request("root history: instance " + id + " does not exist");
        }
      }
    }
    for (const auto& id : instance_ids) enabled[id] = true;
  }
  void record_disabled(const std::string& instance_id) override {
    std::lock_guard<std::mutex> l(mu_);
    check();
    if (const auto it = enabled.find(instance_id); it != enabled.end()) it->second = false;
  }
  bool is_enabled(const std::vector<std::string>& instance_ids) override {
    std::lock_guard<std::mutex> l(mu_);
    check();
    for (const auto& id : instance_ids) {
      if (const auto it = enabled.find(id); it != enabled.end() && it->second) return true;
    }
    return false;
  }

 private:
  void check() const {
    if (unavailable) throw common::unavailable("database unavailable (fake)");
  }
  std::mutex mu_;
  FakeInstanceRepository* instances_;
};

}  // namespace automat::testing
