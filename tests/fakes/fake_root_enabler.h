#pragma once
// An api::RootEnabler for unit tests: answers a fixed user, records which
// nodes it was asked about, and can fail like an unreachable guest.
// Thread-safe.
#include <mutex>
#include <string>
#include <vector>

#include "api/root_enabler.h"
#include "common/error.h"

namespace automat::testing {

class FakeRootEnabler : public api::RootEnabler {
 public:
  nlohmann::json answer = {{"name", "root"}, {"password", "Xq9-generated-secret"}};
  bool fail = false;

  nlohmann::json enable_root(const db::Instance& node) override {
    std::lock_guard<std::mutex> l(mu_);
    asked_.push_back(node.id);
    if (fail) throw common::unavailable("guest of node " + node.id + " did not answer; retry");
    return answer;
  }

  std::vector<std::string> asked() const {
    std::lock_guard<std::mutex> l(mu_);
    return asked_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> asked_;
};

}  // namespace automat::testing
