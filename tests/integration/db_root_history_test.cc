// PgRootHistory against the real PostgreSQL keeps db/root_history.h's promises.
#include <gtest/gtest.h>

#include "db/pg_root_history.h"
#include "tests/integration/db_seed.h"
#include "tests/support/root_history_contract.h"

namespace automat::testing {
namespace {

TEST(PgRootHistory, KeepsTheRootHistoryContract) {
  auto& db = PgTestDb::get();
  const Seed seed = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  std::vector<std::string> ids;
  for (const char* name : {"a", "b", "c"}) {
    const db::Instance i = new_instance(seed, name);
    instances.create_with_operation(i, new_operation(i, "instance.create"));
    ids.push_back(i.id);
  }
  db::PgRootHistory history(db.pool());
  check_root_history_contract(history, ids, common::crypto::uuid4());
}

TEST(PgRootHistory, ADeletedInstanceRowTakesItsHistoryAlong) {
  auto& db = PgTestDb::get();
  const Seed seed = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  const db::Instance i = new_instance(seed, "gone");
  instances.create_with_operation(i, new_operation(i, "instance.create"));
  db::PgRootHistory history(db.pool());
  history.record_enabled({i.id});
  db.query("DELETE FROM operations WHERE resource_id = '" + i.id + "'");
  db.query("DELETE FROM instances WHERE id = '" + i.id + "'");
  EXPECT_EQ(
      db.query("SELECT 1 FROM root_enabled_history WHERE instance_id = '" + i.id + "'").size(), 0u);
}

}  // namespace
}  // namespace automat::testing
