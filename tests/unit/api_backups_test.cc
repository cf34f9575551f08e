// /backups and restorePoint through the real Router over the fakes.
#include <gtest/gtest.h>

#include "tests/unit/api_test_env.h"

namespace automat::testing {
namespace {

using api::Method;
using nlohmann::json;

class ApiBackupsTest : public ::testing::Test {
 protected:
  ApiTestEnv env;

  api::Response post_backup(const json& body, const std::string& token = "") {
    return env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/backups"),
                    token.empty() ? env.token_a : token, body.dump());
  }
  static json backup_body(const std::string& instance, json extra = json::object()) {
    json b = {{"name", "nightly"}, {"instance", instance}};
    b.update(extra);
    return {{"backup", b}};
  }
  // A COMPLETED backup of `instance`, as a finished backup.create leaves it.
  std::string completed_backup(const std::string& instance, std::optional<std::string> parent = {},
                               int64_t data_size = 1 << 20) {
    const auto r =
        post_backup(backup_body(instance, parent ? json{{"parent_id", *parent}} : json::object()));
    EXPECT_EQ(r.status, 202) << r.body;
    const std::string id = body_of(r)["backup"]["id"];
    env.backups.complete(id, 4096, data_size, json{{"to_lsn", "1234"}});
    env.instances.set_task(instance, "NONE");
    env.operations.time->advance(std::chrono::seconds(2));
    return id;
  }
};

TEST_F(ApiBackupsTest, CreateAcceptsAndMarksTheInstanceBusy) {
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const auto r = post_backup(backup_body(inst, {{"description", "before the upgrade"}}));
  ASSERT_EQ(r.status, 202) << r.body;
  const json b = body_of(r)["backup"];
  EXPECT_EQ(b["status"], "NEW");
  EXPECT_EQ(b["instance_id"], inst);
  EXPECT_EQ(b["description"], "before the upgrade");
  EXPECT_TRUE(b["parent_id"].is_null());
  EXPECT_TRUE(b["size"].is_null());
  EXPECT_EQ(b["datastore"]["type"], "mysql");
  EXPECT_EQ(b["datastore"]["version"], "10.11");
  EXPECT_EQ(env.instances.find_any(inst)->task, "BACKUP");
  const auto op = env.operations.find_any(body_of(r)["operation"]["id"]);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "backup.create");
  EXPECT_EQ(op->resource_type, "backup");
  EXPECT_EQ(op->resource_id, b["id"]);
  EXPECT_EQ(env.publisher.published().size(), 1u);
  // While it runs the instance shows BACKUP and takes no second backup.
  const auto shown =
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + inst), env.token_a);
  EXPECT_EQ(body_of(shown)["instance"]["status"], "BACKUP");
  EXPECT_EQ(post_backup(backup_body(inst)).status, 409);
}

TEST_F(ApiBackupsTest, TheInstanceMayBeNamedByItsName) {
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const auto r = post_backup(backup_body("seeded"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["backup"]["instance_id"], inst);
}

TEST_F(ApiBackupsTest, BadInputIsA4xxThatWritesNothing) {
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const std::string theirs = env.add_instance(env.tenant_b, "NONE");
  const size_t ops = env.operation_count();
  EXPECT_EQ(post_backup(json{{"backup", "x"}}).status, 400);
  EXPECT_EQ(post_backup(json{{"backup", {{"instance", inst}}}}).status, 400);  // no name
  EXPECT_EQ(post_backup(backup_body(inst, {{"incremental", "yes"}})).status, 400);
  EXPECT_EQ(post_backup(backup_body(inst, {{"description", std::string(300, 'd')}})).status, 400);
  EXPECT_EQ(post_backup(backup_body("no-such-instance")).status, 404);
  // Another tenant's instance is not found either.
  EXPECT_EQ(post_backup(backup_body(theirs)).status, 404);
  // Incremental without any completed backup to build on.
  const auto inc = post_backup(backup_body(inst, {{"incremental", true}}));
  EXPECT_EQ(inc.status, 400);
  EXPECT_NE(inc.body.find("create a full backup first"), std::string::npos) << inc.body;
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_TRUE(env.backups.list(env.tenant_a, {}).empty());
  EXPECT_EQ(env.instances.find_any(inst)->task, "NONE");
}

TEST_F(ApiBackupsTest, AnInstanceThatIsNotActiveIsAConflict) {
  const std::string building = env.add_instance(env.tenant_a, "BUILDING", "NEW");
  const auto r = post_backup(backup_body(building));
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("needs it ACTIVE"), std::string::npos) << r.body;
}

TEST_F(ApiBackupsTest, IncrementalTakesTheNewestCompletedBackupAsParent) {
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const std::string full = completed_backup(inst);
  const std::string second = completed_backup(inst, full);
  const auto r = post_backup(backup_body(inst, {{"incremental", true}}));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["backup"]["parent_id"], second);
}

TEST_F(ApiBackupsTest, AParentMustBeACompletedBackupOfTheSameInstance) {
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const std::string other = env.add_instance(env.tenant_a, "NONE");
  const std::string of_other = completed_backup(other);
  const auto r = post_backup(backup_body(inst, {{"parent_id", of_other}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("is not a backup of instance"), std::string::npos) << r.body;
  EXPECT_EQ(post_backup(backup_body(inst, {{"parent_id", "missing"}})).status, 400);
}

TEST_F(ApiBackupsTest, ListShowAndFiltersAreScopedToTheTenant) {
  const std::string a1 = env.add_instance(env.tenant_a, "NONE");
  const std::string a2 = env.add_instance(env.tenant_a, "NONE");
  const std::string first = completed_backup(a1);
  const std::string second = completed_backup(a2);
  const auto all = env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/backups"), env.token_a);
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(body_of(all)["backups"].size(), 2u);
  EXPECT_EQ(body_of(all)["backups"][0]["id"], first);
  EXPECT_EQ(body_of(all)["backups"][0]["status"], "COMPLETED");
  EXPECT_EQ(body_of(all)["backups"][0]["size_bytes"], 4096);
  EXPECT_EQ(body_of(all)["backups"][0]["locationRef"], "backups/" + first + "/");
  const auto of_a2 = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + a2 + "/backups"), env.token_a);
  ASSERT_EQ(body_of(of_a2)["backups"].size(), 1u);
  EXPECT_EQ(body_of(of_a2)["backups"][0]["id"], second);
  const auto filtered = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_a, "/backups?instance_id=" + a1), env.token_a);
  ASSERT_EQ(body_of(filtered)["backups"].size(), 1u);
  const auto paged =
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/backups?limit=1"), env.token_a);
  ASSERT_EQ(body_of(paged)["backups"].size(), 1u);
  EXPECT_EQ(body_of(paged)["links"].size(), 1u);
  // The other tenant sees none of them.
  EXPECT_EQ(env.call(Method::kGet, ApiTestEnv::url(env.tenant_b, "/backups/" + first), env.token_b)
                .status,
            404);
  EXPECT_TRUE(body_of(env.call(Method::kGet, ApiTestEnv::url(env.tenant_b, "/backups"),
                               env.token_b))["backups"]
                  .empty());
  EXPECT_EQ(env.call(Method::kGet, ApiTestEnv::url(env.tenant_b, "/instances/" + a1 + "/backups"),
                     env.token_b)
                .status,
            404);
}

TEST_F(ApiBackupsTest, DeleteRefusesWhileIncrementalsDependOnIt) {
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const std::string full = completed_backup(inst);
  const std::string child = completed_backup(inst, full);
  const auto r =
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/backups/" + full), env.token_a);
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find(child), std::string::npos) << r.body;
  const auto ok =
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/backups/" + child), env.token_a);
  ASSERT_EQ(ok.status, 202) << ok.body;
  const auto op = env.operations.find_any(body_of(ok)["operation"]["id"]);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "backup.delete");
  // A second delete while the first runs is a conflict, not a second operation.
  EXPECT_EQ(
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/backups/" + child), env.token_a)
          .status,
      409);
  EXPECT_EQ(
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_b, "/backups/" + full), env.token_b)
          .status,
      404);
}

TEST_F(ApiBackupsTest, RestorePointCreatesAnInstanceThatNamesTheBackup) {
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const std::string backup = completed_backup(inst);
  json body = valid_create_body();
  body["instance"]["restorePoint"] = {{"backupRef", backup}};
  const auto r = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a,
                          body.dump());
  ASSERT_EQ(r.status, 202) << r.body;
  const auto op = env.operations.find_any(body_of(r)["operation"]["id"]);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->input.value("restore_backup_id", ""), backup);
  // The backup cannot be deleted while the restore runs.
  const auto del =
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/backups/" + backup), env.token_a);
  EXPECT_EQ(del.status, 409);
  EXPECT_NE(del.body.find("being restored"), std::string::npos) << del.body;
}

TEST_F(ApiBackupsTest, RestorePointRefusesWhatCannotBeRestored) {
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const std::string big = completed_backup(inst, {}, int64_t{5} << 30);  // 5 GiB of data
  const size_t instances = env.instance_count();
  auto create_from = [&](const std::string& ref, const std::string& token) {
    json body = valid_create_body();
    body["instance"]["restorePoint"] = {{"backupRef", ref}};
    return env.call(
        Method::kPost,
        ApiTestEnv::url(token == env.token_a ? env.tenant_a : env.tenant_b, "/instances"), token,
        body.dump());
  };
  const auto too_small = create_from(big, env.token_a);  // volume 2 GB
  EXPECT_EQ(too_small.status, 400);
  EXPECT_NE(too_small.body.find("use at least 5"), std::string::npos) << too_small.body;
  EXPECT_EQ(create_from("no-such-backup", env.token_a).status, 400);
  EXPECT_EQ(create_from(big, env.token_b).status, 400);  // another tenant's backup
  // One still being made.
  const auto running = post_backup(backup_body(env.add_instance(env.tenant_a, "NONE")));
  const std::string building = body_of(running)["backup"]["id"];
  const auto not_done = create_from(building, env.token_a);
  EXPECT_EQ(not_done.status, 400);
  EXPECT_NE(not_done.body.find("only a COMPLETED backup"), std::string::npos) << not_done.body;
  // A backup of another datastore.
  db::DatastoreVersion cv;
  cv.name = "5.0";
  cv.manager = "cassandra";
  const std::string cassandra_version = env.catalog.register_version("cassandra", cv, true);
  {
    std::lock_guard<std::mutex> l(env.backups.mu);
    env.backups.backups[big].datastore_version_id = cassandra_version;
  }
  const auto wrong = create_from(big, env.token_a);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("cannot be restored into a mysql instance"), std::string::npos)
      << wrong.body;
  EXPECT_EQ(env.instance_count(), instances + 1);  // only the seeded one of `running`
}

}  // namespace
}  // namespace automat::testing
