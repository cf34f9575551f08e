// Quotas on the real PostgreSQL of AUTOMAT_TEST_DATABASE_URL through the
// whole API path: concurrent API requests never end above a limit. The
// repositories' own quota promises (tests/support/quota_repository_contract.h)
// run in db_integration_test (tests/integration/db_quota_repository_test.cc)
// and on the fakes.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api/router.h"
#include "common/crypto.h"
#include "common/error.h"
#include "datastores/api_registry.h"
#include "db/pg_quota_repository.h"
#include "db/pg_repositories.h"
#include "tests/fakes/fake_broker.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

using nlohmann::json;

int64_t live_instances(const std::string& tenant_id) {
  return PgTestDb::get()
      .query("SELECT count(*) FROM instances WHERE tenant_id = '" + tenant_id +
             "' AND NOT deleted")[0][0]
      .as<int64_t>();
}

// The whole API path: concurrent POST /instances through the Router on the
// Pg repositories; the tenant's limit holds and the losers get 413 overLimit.
TEST(PgQuotas, ConcurrentApiCreatesAnswer202UpToTheLimitThen413) {
  auto& pool = PgTestDb::get().pool();
  const Seed s = seed_catalog(pool);
  db::PgTokenRepository tokens(pool);
  db::PgCatalogRepository catalog(pool);
  db::PgInstanceRepository instances(pool);
  db::PgOperationRepository operations(pool);
  db::PgQuotaRepository quotas(pool);
  FakePublisher publisher;
  common::SystemClock clock;
  api::ApiServices services{&tokens,
                            &catalog,
                            &instances,
                            &operations,
                            &publisher,
                            &clock,
                            &datastores::api_strategy,
                            api::ApiLimits{}};
  services.quotas = &quotas;
  services.quota_defaults.instances = 2;
  api::Router router(services, "http://127.0.0.1");
  const std::string token = common::crypto::random_hex(24);
  tokens.add_token(common::crypto::sha256_hex(token), s.tenant_id, {"member"});
  constexpr int kRequests = 8;
  std::vector<int> statuses(kRequests);
  std::vector<std::string> bodies(kRequests);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      api::Request req;
      req.method = api::Method::kPost;
      req.target = "/v1.0/" + s.tenant_id + "/instances";
      req.auth_token = token;
      req.body = json{{"instance",
                       {{"name", "api-" + std::to_string(i)},
                        {"flavorRef", "1"},
                        {"volume", {{"size", "1"}}}}}}
                     .dump();
      while (!go.load()) std::this_thread::yield();
      const api::Response r = router.handle(req);
      statuses[i] = r.status;
      bodies[i] = r.body;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int accepted = 0;
  for (int i = 0; i < kRequests; ++i) {
    if (statuses[i] == 202) {
      ++accepted;
    } else {
      EXPECT_EQ(statuses[i], 413) << bodies[i];
      EXPECT_NE(bodies[i].find("overLimit"), std::string::npos) << bodies[i];
      EXPECT_NE(bodies[i].find("over the limit of 2 by 1"), std::string::npos) << bodies[i];
    }
  }
  EXPECT_EQ(accepted, 2);
  EXPECT_EQ(live_instances(s.tenant_id), 2);
  EXPECT_EQ(publisher.published().size(), 2u);
}

}  // namespace
}  // namespace automat::testing
