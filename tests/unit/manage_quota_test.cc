// automat-manage quota show|set, on fake repositories.
#include <gtest/gtest.h>

#include <sstream>

#include "common/error.h"
#include "manage/quota_commands.h"
#include "tests/fakes/fake_repositories.h"

namespace automat::manage {
namespace {

struct QuotaWorld {
  testing::FakeTokenRepository tokens;
  testing::FakeCatalogRepository catalog;
  testing::FakeOperationRepository operations;
  testing::FakeInstanceRepository instances{&operations, &catalog};
  testing::FakeQuotaRepository quotas{&instances};
  db::QuotaValues defaults = db::default_quota_limits();
};

TEST(ManageQuota, ShowPrintsUseAndLimitsOfEachResource) {
  QuotaWorld w;
  std::ostringstream out;
  show_quota(w.tokens, w.quotas, w.defaults, "alice", out);
  const std::string id = w.tokens.ensure_tenant("alice");
  EXPECT_EQ(out.str(), "Quotas of tenant alice (tenant_id " + id +
                           ")\n"
                           "RESOURCE    IN USE    LIMIT\n"
                           "instances   0         10\n"
                           "ram         0 MB      unlimited\n"
                           "volumes     0 GB      40 GB\n"
                           "backups     0         50\n");
}

TEST(ManageQuota, SetChangesOnlyTheGivenLimitsOfThatTenant) {
  QuotaWorld w;
  std::ostringstream out;
  set_quota(w.tokens, w.quotas, w.defaults, "alice", {{"instances", 2}, {"volumes", -1}}, out);
  EXPECT_NE(out.str().find("instances   0         2\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("volumes     0 GB      unlimited\n"), std::string::npos) << out.str();
  const auto limits = w.quotas.limits(w.tokens.ensure_tenant("alice"), w.defaults);
  EXPECT_EQ(limits, (db::QuotaValues{2, -1, -1, 50}));
  EXPECT_EQ(w.quotas.limits(w.tokens.ensure_tenant("bob"), w.defaults), w.defaults);
}

TEST(ManageQuota, SetRefusesNothingToSetAndOutOfRangeLimits) {
  QuotaWorld w;
  std::ostringstream out;
  EXPECT_THROW(set_quota(w.tokens, w.quotas, w.defaults, "alice", {}, out), common::Error);
  EXPECT_THROW(set_quota(w.tokens, w.quotas, w.defaults, "alice", {{"ram", -5}}, out),
               common::Error);
  EXPECT_THROW(set_quota(w.tokens, w.quotas, w.defaults, "", {{"ram", 5}}, out), common::Error);
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
}  // namespace automat::manage
