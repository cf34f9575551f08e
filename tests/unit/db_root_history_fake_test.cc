// FakeRootHistory keeps the same promises as PgRootHistory.
#include <gtest/gtest.h>

#include "tests/fakes/fake_root_history.h"
#include "tests/support/root_history_contract.h"

namespace automat::testing {
namespace {

TEST(FakeRootHistory, KeepsTheRootHistoryContract) {
  FakeInstanceRepository instances;
  for (const char* id : {"i-a", "i-b", "i-c"}) instances.instances[id].id = id;
  FakeRootHistory history(&instances);
  check_root_history_contract(history, {"i-a", "i-b", "i-c"}, "i-missing");
}

}  // namespace
}  // namespace automat::testing
