// Replica create, detach, promote and eject through the Router, with fakes.
#include <gtest/gtest.h>

#include <set>

#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;

struct ReplicaEnv : ApiTestEnv {
  std::string master = add_instance(tenant_a, "NONE", "RUNNING");

  Response post(const std::string& path, const json& body, const std::string& tenant = "") {
    const bool b = tenant == "b";
    return call(Method::kPost, url(b ? tenant_b : tenant_a, path), b ? token_b : token_a,
                body.dump());
  }
  Response create(json instance) { return post("/instances", {{"instance", std::move(instance)}}); }
  std::string message(const Response& r) {
    const json b = body_of(r);
    return b.begin().value()["message"].get<std::string>();
  }
};

TEST(ReplicaCreate, TroveFormWritesAReplicaOfTheMasterAndPublishesItsTask) {
  ReplicaEnv env;
  const Response r = env.create({{"name", "r1"}, {"replica_of", env.master}});
  ASSERT_EQ(r.status, 202) << r.body;
  const json view = body_of(r)["instance"];
  EXPECT_EQ(view["replica_of"]["id"], env.master);
  EXPECT_EQ(view["status"], "BUILD");
  const auto stored = env.instances.find_any(view["id"]);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->slave_of, env.master);
  EXPECT_EQ(stored->flavor_id, "1");     // copied from the master
  EXPECT_EQ(stored->volume_size_gb, 2);  // copied from the master
  const auto op = env.operations.find_any(r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "instance.create");
  EXPECT_EQ(op->input["replica_of"], env.master);
  EXPECT_TRUE(op->input["backup_key"].is_string());
  EXPECT_EQ(env.publisher.published().size(), 1u);
  // The master lists it.
  EXPECT_EQ(env.instances.find_any(env.master)->replica_ids,
            std::vector<std::string>{view["id"].get<std::string>()});
}

TEST(ReplicaCreate, SeedFormAndReplicaCountShareOneBackup) {
  ReplicaEnv env;
  const Response r = env.create(
      {{"name", "r"}, {"slave", {{"of", env.master}, {"read_only", true}}}, {"replica_count", 3}});
  ASSERT_EQ(r.status, 202) << r.body;
  const json body = body_of(r);
  ASSERT_EQ(body["instances"].size(), 3u);
  ASSERT_EQ(body["operations"].size(), 3u);
  EXPECT_EQ(body["instances"][1]["name"], "r-2");
  std::set<std::string> keys;
  for (const auto& ref : body["operations"]) {
    keys.insert(env.operations.find_any(ref["id"])->input["backup_key"].get<std::string>());
  }
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_EQ(env.publisher.published().size(), 3u);
  EXPECT_EQ(env.instances.find_any(env.master)->replica_ids.size(), 3u);
}

TEST(ReplicaCreate, RefusalsSayWhyAndWriteNothing) {
  ReplicaEnv env;
  const std::string other_tenants = env.add_instance(env.tenant_b, "NONE", "RUNNING");
  const std::string replica = env.add_instance(env.tenant_a, "NONE", "RUNNING");
  env.instances.instances[replica].slave_of = env.master;
  const size_t instances_before = env.instance_count();
  struct Case {
    json instance;
    int status;
    std::string message_part;
  } cases[] = {
      {{{"name", "r"}, {"replica_of", "nope"}}, 400, "instance nope was not found"},
      {{{"name", "r"}, {"replica_of", other_tenants}}, 400, "was not found"},
      {{{"name", "r"}, {"replica_of", replica}}, 400, "is itself a replica of " + env.master},
      {{{"name", "r"}, {"replica_of", env.master}, {"replica_count", 4}},
       400,
       "replica_count must be an integer from 1 to 3"},
      {{{"name", "r"}, {"replica_of", env.master}, {"replica_count", 0}}, 400, "from 1 to 3"},
      {{{"name", "r"}, {"replica_of", env.master}, {"slave", {{"of", replica}}}},
       400,
       "name different masters"},
      {{{"name", "r"}, {"slave", {{"of", env.master}, {"read_only", false}}}},
       400,
       "read_only must be true"},
      {{{"name", "r"}, {"replica_of", env.master}, {"datastore", {{"type", "cassandra"}}}},
       400,
       "a replica runs its master's datastore (mysql 10.11)"},
      {{{"name", "r"},
        {"replica_of", env.master},
        {"users", {{{"name", "u"}, {"password", "s3cret-pass"}}}}},
       400,
       "cannot be given for a replica"},
      {{{"replica_of", env.master}}, 400, "instance.name is required"},
      {{{"name", "r"}, {"replica_of", 42}}, 400, "instance.replica_of must be a string"},
  };
  for (const auto& c : cases) {
    const Response r = env.create(c.instance);
    EXPECT_EQ(r.status, c.status) << c.instance.dump() << " -> " << r.body;
    EXPECT_NE(env.message(r).find(c.message_part), std::string::npos)
        << c.instance.dump() << " -> " << r.body;
  }
  EXPECT_EQ(env.instance_count(), instances_before);
  EXPECT_TRUE(env.publisher.published().empty());
}

TEST(ReplicaCreate, MasterMustBeActiveAndIdle) {
  ReplicaEnv env;
  const std::string building = env.add_instance(env.tenant_a, "BUILDING", "NEW");
  Response r = env.create({{"name", "r"}, {"replica_of", building}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(env.message(r),
            "instance " + building + " is BUILD; replicas can be made of an ACTIVE master only");
  env.instances.set_service_status(env.master, "FAILED_TIMEOUT_GUESTAGENT");
  EXPECT_EQ(env.create({{"name", "r"}, {"replica_of", env.master}}).status, 409);
}

TEST(ReplicaCreate, DatastoreWithoutReplicationIs400) {
  ReplicaEnv env;
  db::DatastoreVersion v;
  v.name = "1.0";
  v.manager = "mysql";
  const std::string plain = env.catalog.register_version("plainsql", v, true);
  env.instances.instances[env.master].datastore_version_id = plain;
  const Response r = env.create({{"name", "r"}, {"replica_of", env.master}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(env.message(r), "datastore plainsql 1.0 does not support replication");
}

TEST(ReplicaActions, DetachBothFormsStartADetachOperation) {
  ReplicaEnv env;
  const std::string replica = env.add_instance(env.tenant_a, "NONE", "RUNNING");
  env.instances.instances[replica].slave_of = env.master;
  Response r = env.call(Method::kPut, ApiTestEnv::url(env.tenant_a, "/instances/" + replica),
                        env.token_a, R"({"instance": {"replica_of": null}})");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(env.operations.find_any(r.operation_id)->type, "instance.detach");
  EXPECT_EQ(env.instances.find_any(replica)->task, "DETACHING");
  // Busy now: a second action is refused with the task named.
  r = env.post("/instances/" + replica + "/action", {{"detach", json::object()}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(env.message(r).find("while it is DETACHING"), std::string::npos) << r.body;
  env.instances.set_task(replica, "NONE");
  r = env.post("/instances/" + replica + "/action", {{"detach", json::object()}});
  EXPECT_EQ(r.status, 202) << r.body;
}

TEST(ReplicaActions, OnlyAReplicaDetachesOrPromotes) {
  ReplicaEnv env;
  for (const char* action : {"detach", "promote_to_replica_source"}) {
    const Response r = env.post("/instances/" + env.master + "/action", {{action, json::object()}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(env.message(r).find("is not a replica"), std::string::npos);
  }
  const Response put =
      env.call(Method::kPut, ApiTestEnv::url(env.tenant_a, "/instances/" + env.master), env.token_a,
               R"({"instance": {"replica_of": "x"}})");
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(env.post("/instances/" + env.master + "/action", {{"reboot", json::object()}}).status,
            400);
  EXPECT_EQ(env.post("/instances/" + env.master + "/action",
                     {{"detach", json::object()}, {"promote_to_replica_source", json::object()}})
                .status,
            400);
  EXPECT_TRUE(env.publisher.published().empty());
}

TEST(ReplicaActions, PromoteAndEject) {
  ReplicaEnv env;
  const std::string replica = env.add_instance(env.tenant_a, "NONE", "RUNNING");
  env.instances.instances[replica].slave_of = env.master;
  // Eject needs an unreachable master.
  Response r =
      env.post("/instances/" + env.master + "/action", {{"eject_replica_source", json::object()}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(env.message(r).find("promote a replica"), std::string::npos);
  env.instances.set_service_status(env.master, "FAILED_TIMEOUT_GUESTAGENT");
  r = env.post("/instances/" + env.master + "/action", {{"eject_replica_source", json::object()}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(env.operations.find_any(r.operation_id)->type, "instance.eject");
  EXPECT_EQ(env.instances.find_any(env.master)->task, "EJECTING");

  r = env.post("/instances/" + replica + "/action",
               {{"promote_to_replica_source", json::object()}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(env.operations.find_any(r.operation_id)->type, "instance.promote");
  const json view =
      body_of(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + replica),
                       env.token_a))["instance"];
  EXPECT_EQ(view["status"], "PROMOTE");
}

TEST(ReplicaActions, AnotherTenantsInstanceIs404) {
  ReplicaEnv env;
  const Response r =
      env.post("/instances/" + env.master + "/action", {{"detach", json::object()}}, "b");
  EXPECT_EQ(r.status, 404);
}

}  // namespace
}  // namespace automat::api
