#pragma once
// The promises of db::RootHistoryRepository (db/root_history.h), checked on
// any implementation: the PostgreSQL one (db_root_history_integration_test)
// and the fake (db_root_history_fake_test) run the same checks.
//
// `instance_ids` must name three existing instances; `missing_id` none.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "db/root_history.h"

namespace automat::testing {

inline void check_root_history_contract(db::RootHistoryRepository& repo,
                                        const std::vector<std::string>& instance_ids,
                                        const std::string& missing_id) {
  ASSERT_EQ(instance_ids.size(), 3u);
  const std::string& a = instance_ids[0];
  const std::string& b = instance_ids[1];
  const std::string& c = instance_ids[2];

  // Never enabled: not enabled, and disabling is a no-op.
  EXPECT_FALSE(repo.is_enabled({a}));
  EXPECT_FALSE(repo.is_enabled({}));
  repo.record_disabled(a);
  EXPECT_FALSE(repo.is_enabled({a}));

  // Enabled, then disabled, then enabled again.
  repo.record_enabled({a});
  EXPECT_TRUE(repo.is_enabled({a}));
  EXPECT_FALSE(repo.is_enabled({b}));
  repo.record_disabled(a);
  EXPECT_FALSE(repo.is_enabled({a}));
  repo.record_enabled({a});
  repo.record_enabled({a});  // twice: still one record, enabled
  EXPECT_TRUE(repo.is_enabled({a}));

  // Several at once (a cluster's nodes); any enabled among them counts.
  repo.record_enabled({b, c});
  repo.record_disabled(b);
  EXPECT_TRUE(repo.is_enabled({b, c}));
  repo.record_disabled(c);
  EXPECT_FALSE(repo.is_enabled({b, c}));

  // An unknown instance is refused and nothing of the batch is recorded.
  try {
    repo.record_enabled({b, missing_id});
    ADD_FAILURE() << "an unknown instance was accepted";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << e.what();
  }
  EXPECT_FALSE(repo.is_enabled({b}));
}

}  // namespace automat::testing
