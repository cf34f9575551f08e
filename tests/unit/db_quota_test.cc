// The quota rules of db/quota.h: what passes a limit, how the 413 says so,
// and the [quota] defaults.
#include <gtest/gtest.h>

#include "common/config.h"
#include "common/error.h"
#include "db/quota.h"

namespace automat::db {
namespace {

QuotaValues values(int64_t instances, int64_t ram, int64_t volumes, int64_t backups) {
  return QuotaValues{instances, ram, volumes, backups};
}

TEST(QuotaRules, WithinEveryLimitPasses) {
  const QuotaValues limits = values(10, -1, 40, 50);
  EXPECT_FALSE(quota_overrun(limits, values(9, 5000, 39, 0), values(1, 1024, 1, 0)));
  EXPECT_NO_THROW(check_quota(limits, values(9, 0, 39, 0), values(1, 0, 1, 0)));
}

TEST(QuotaRules, OneOverTheLimitIs413NamingTheResourceAndByHowMuch) {
  try {
    check_quota(values(10, -1, 40, 50), values(10, 0, 5, 0), values(1, 512, 2, 0));
    FAIL() << "no 413";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.http_status(), 413);
    EXPECT_EQ(std::string(e.what()),
              "Quota exceeded for resources: instances would be 11 with this request (10 in use + "
              "1 asked), over the limit of 10 by 1. Delete what is no longer needed, or ask an "
              "administrator to raise the quota");
  }
}

TEST(QuotaRules, EveryResourceOverIsNamedWithItsUnit) {
  const auto message =
      quota_overrun(values(3, 2048, 10, 1), values(3, 2048, 9, 1), values(1, 1024, 4, 1));
  ASSERT_TRUE(message);
  EXPECT_NE(message->find("instances would be 4"), std::string::npos) << *message;
  EXPECT_NE(message->find("ram would be 3072 MB with this request (2048 MB in use + 1024 MB "
                          "asked), over the limit of 2048 MB by 1024 MB"),
            std::string::npos)
      << *message;
  EXPECT_NE(message->find("volumes would be 13 GB"), std::string::npos) << *message;
  EXPECT_NE(message->find("over the limit of 10 GB by 3 GB"), std::string::npos) << *message;
  EXPECT_NE(message->find("backups would be 2"), std::string::npos) << *message;
}

TEST(QuotaRules, MinusOneIsUnlimitedAndZeroAllowsNothing) {
  EXPECT_FALSE(quota_overrun(values(-1, -1, -1, -1), values(1000, 1, 1, 1), values(5, 5, 5, 5)));
  const auto message = quota_overrun(values(0, -1, -1, -1), {}, values(1, 0, 0, 0));
  ASSERT_TRUE(message);
  EXPECT_NE(message->find("over the limit of 0 by 1"), std::string::npos) << *message;
}

TEST(QuotaRules, AResourceThatDoesNotGrowIsNotCheckedEvenWhenAlreadyOver) {
  // An admin lowered the limit below what is in use: deleting or adding
  // something else is still allowed.
  EXPECT_FALSE(quota_overrun(values(1, -1, 10, 50), values(5, 0, 5, 0), values(0, 0, 0, 1)));
  QuotaCharge charge;
  EXPECT_TRUE(charge.empty());
  charge.delta.backups = 1;
  EXPECT_FALSE(charge.empty());
}

TEST(QuotaRules, UsagesListEveryResourceInTrovesOrder) {
  const auto usages = quota_usages(values(10, -1, 40, 50), values(2, 1024, 3, 0));
  ASSERT_EQ(usages.size(), 4u);
  EXPECT_EQ(usages[0].resource, "instances");
  EXPECT_EQ(usages[0].in_use, 2);
  EXPECT_EQ(usages[0].limit, 10);
  EXPECT_EQ(usages[1].resource, "ram");
  EXPECT_EQ(usages[1].limit, -1);
  EXPECT_EQ(usages[2].resource, "volumes");
  EXPECT_EQ(usages[2].in_use, 3);
  EXPECT_EQ(usages[3].resource, "backups");
  for (const auto& u : usages) EXPECT_EQ(u.reserved, 0);
}

TEST(QuotaConfig, DefaultsAreTrovesAndTheSectionOverridesThem) {
  EXPECT_EQ(load_quota_limits(common::Config::from_string("")), values(10, -1, 40, 50));
  const auto config =
      common::Config::from_string("[quota]\ninstances = 3\nvolumes = -1\nbackups = 0\n");
  EXPECT_EQ(load_quota_limits(config), values(3, -1, -1, 0));
}

TEST(QuotaConfig, ALimitBelowMinusOneStopsTheService) {
  try {
    load_quota_limits(common::Config::from_string("[quota]\nram = -2\n"));
    FAIL() << "accepted";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("config [quota] ram must be -1"), std::string::npos)
        << e.what();
  }
}

TEST(QuotaResources, NamesAreKnownAndOthersRefused) {
  EXPECT_TRUE(is_quota_resource("volumes"));
  EXPECT_FALSE(is_quota_resource("cores"));
  QuotaValues v;
  quota_value(v, "ram") = 7;
  EXPECT_EQ(v.ram, 7);
  EXPECT_THROW(quota_value(v, "cores"), common::Error);
}

}  // namespace
}  // namespace automat::db
