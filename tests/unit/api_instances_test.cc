// Instance create/delete/show/list through the Router, with fakes.
#include <gtest/gtest.h>

#include "automat/messages.pb.h"
#include "common/broker.h"
#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;
using testing::valid_create_body;

Response create(ApiTestEnv& env, const json& body) {
  return env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a,
                  body.dump());
}

TEST(InstanceCreate, WritesInstanceAndOperationAndPublishesOneTask) {
  ApiTestEnv env;
  const Response r = create(env, valid_create_body());
  ASSERT_EQ(r.status, 202) << r.body;
  const json body = body_of(r);

  // The response: the instance view in BUILD plus the operation.
  const json& view = body["instance"];
  EXPECT_EQ(view["name"], "orders");
  EXPECT_EQ(view["status"], "BUILD");
  EXPECT_EQ(view["task"], "BUILDING");
  EXPECT_EQ(view["flavor"]["id"], "1");
  EXPECT_EQ(view["datastore"],
            json({{"type", "mysql"}, {"version", "10.11"}, {"version_number", "10.11"}}));
  EXPECT_EQ(view["volume"]["size"], 2);
  EXPECT_FALSE(view["created"].get<std::string>().empty());
  EXPECT_EQ(body["operation"]["state"], "SUBMITTED");
  EXPECT_EQ(r.operation_id, body["operation"]["id"]);
  EXPECT_EQ(r.body.find("s3cret-pass-1"), std::string::npos) << "password echoed";

  // Stored: the instance of tenant A and its instance.create operation.
  const std::string id = view["id"];
  const auto stored = env.instances.find(env.tenant_a, id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->task, "BUILDING");
  EXPECT_EQ(stored->datastore_version_id, env.version_id);
  EXPECT_EQ(stored->volume_size_gb, 2);
  const auto op = env.operations.find(env.tenant_a, r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "instance.create");
  EXPECT_EQ(op->resource_type, "instance");
  EXPECT_EQ(op->resource_id, id);
  EXPECT_EQ(op->state, "SUBMITTED");
  EXPECT_EQ(op->input["users"][0]["password"], "s3cret-pass-1");
  EXPECT_EQ(op->input["databases"][0]["name"], "shop");

  // Exactly one task, naming the operation.
  const auto tasks = env.publisher.bodies(common::kTaskQueue);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(env.publisher.published().size(), 1u);
  proto::TaskMessage msg;
  ASSERT_TRUE(msg.ParseFromString(tasks[0]));
  EXPECT_EQ(msg.operation_id(), r.operation_id);
}

TEST(InstanceCreate, DefaultsToTheOnlyDatastoreAndItsDefaultVersion) {
  ApiTestEnv env;
  json body = valid_create_body();
  body["instance"].erase("datastore");
  body["instance"]["flavorRef"] = "http://x/v1.0/t/flavors/2";
  const Response r = create(env, body);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["instance"]["datastore"]["version"], "10.11");
  EXPECT_EQ(body_of(r)["instance"]["flavor"]["id"], "2");
}

TEST(InstanceCreate, PublishFailureStillAnswers202) {
  ApiTestEnv env;
  env.publisher.fail_next(1);
  const Response r = create(env, valid_create_body());
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(env.operations.find(env.tenant_a, r.operation_id).has_value());
  EXPECT_TRUE(env.publisher.published().empty());
}

TEST(InstanceCreate, RefusalsWriteAndPublishNothing) {
  const struct {
    const char* pointer;
    json value;
    const char* expected;
  } cases[] = {
      {"/instance/flavorRef", "42", "flavorRef '42' is not a known flavor"},
      {"/instance/datastore/type", "cassandra",
       "instance.datastore.type: datastore 'cassandra' is not known"},
      {"/instance/datastore/version", "5.5", "version '5.5' of datastore 'mysql' is not known"},
      {"/instance/datastore/version", "10.6", "version '10.6' of datastore 'mysql' is not active"},
      // The mysql strategy's own rules.
      {"/instance/flavorRef", "9", "flavor 'm1.nano' has 256 MB of RAM"},
      {"/instance/databases/1",
       {{"name", "mysql"}},
       "instance.databases[1].name 'mysql' is reserved"},
      {"/instance/users/0/name", "root", "instance.users[0].name 'root' is reserved"},
      {"/instance/volume/size", 0, "instance.volume.size must be a whole number from 1 up"},
      {"/instance/name", nullptr, "instance.name is required"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expected);
    ApiTestEnv env;
    const size_t ops_before = env.operation_count();
    json body = valid_create_body();
    body[json::json_pointer(c.pointer)] = c.value;
    const Response r = create(env, body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(body_of(r)["badRequest"]["message"].get<std::string>().find(c.expected),
              std::string::npos)
        << r.body;
    EXPECT_EQ(env.instance_count(), 0u);
    EXPECT_EQ(env.operation_count(), ops_before);
    EXPECT_TRUE(env.publisher.published().empty());
  }
}

TEST(InstanceCreate, DatabaseOutageIs503AndPublishesNothing) {
  ApiTestEnv env;
  env.instances.unavailable = true;
  const Response r = create(env, valid_create_body());
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_TRUE(env.publisher.published().empty());
}

TEST(InstanceDelete, StartsADeleteOperation) {
  ApiTestEnv env;
  const std::string id = env.add_instance(env.tenant_a, "NONE");
  const Response r =
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/instances/" + id), env.token_a);
  ASSERT_EQ(r.status, 202) << r.body;
  const json body = body_of(r);
  EXPECT_EQ(body["operation"]["id"], r.operation_id);
  EXPECT_EQ(body["operation"]["state"], "SUBMITTED");
  EXPECT_EQ(env.instances.find(env.tenant_a, id)->task, "DELETING");
  const auto op = env.operations.find(env.tenant_a, r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "instance.delete");
  EXPECT_EQ(op->resource_id, id);
  const auto tasks = env.publisher.bodies(common::kTaskQueue);
  ASSERT_EQ(tasks.size(), 1u);
  proto::TaskMessage msg;
  ASSERT_TRUE(msg.ParseFromString(tasks[0]));
  EXPECT_EQ(msg.operation_id(), r.operation_id);
}

TEST(InstanceDelete, FailedBuildMayBeDeleted) {
  ApiTestEnv env;
  const std::string id = env.add_instance(env.tenant_a, "BUILDING_ERROR", "NEW");
  EXPECT_EQ(
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/instances/" + id), env.token_a)
          .status,
      202);
}

TEST(InstanceDelete, BusyInstanceIs409) {
  for (const char* task : {"BUILDING", "DELETING"}) {
    SCOPED_TRACE(task);
    ApiTestEnv env;
    const std::string id = env.add_instance(env.tenant_a, task);
    const size_t ops_before = env.operation_count();
    const Response r =
        env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/instances/" + id), env.token_a);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(body_of(r)["conflict"]["message"],
              "instance " + id + " is " + task + "; wait until it finishes");
    EXPECT_EQ(env.operation_count(), ops_before);
    EXPECT_TRUE(env.publisher.published().empty());
    EXPECT_EQ(env.instances.find(env.tenant_a, id)->task, task);
  }
}

TEST(InstanceShow, ViewShowsStatusAddressFaultAndLinks) {
  ApiTestEnv env;
  const std::string id = env.add_instance(env.tenant_a, "NONE", "RUNNING");
  const std::string url = ApiTestEnv::url(env.tenant_a, "/instances/" + id);
  json view = body_of(env.call(Method::kGet, url, env.token_a))["instance"];
  EXPECT_EQ(view["status"], "ACTIVE");
  EXPECT_FALSE(view.contains("ip"));
  EXPECT_FALSE(view.contains("fault"));
  EXPECT_EQ(view["links"][0], json({{"href", "http://api.example:8779" + url}, {"rel", "self"}}));
  EXPECT_EQ(view["links"][1],
            json({{"href", "http://api.example:8779/instances/" + id}, {"rel", "bookmark"}}));
  EXPECT_EQ(view["flavor"]["links"][0]["href"],
            "http://api.example:8779/v1.0/" + env.tenant_a + "/flavors/1");

  env.instances.set_address(id, "127.10.0.5", 8780);
  env.instances.set_fault(id, "mariadbd did not start");
  env.instances.set_task(id, "BUILDING_ERROR");
  view = body_of(env.call(Method::kGet, url, env.token_a))["instance"];
  EXPECT_EQ(view["ip"], json::array({"127.10.0.5"}));
  EXPECT_EQ(view["addresses"], json::parse(R"([{"address": "127.10.0.5", "type": "private"}])"));
  EXPECT_EQ(view["fault"]["message"], "mariadbd did not start");
  EXPECT_FALSE(view["fault"]["created"].get<std::string>().empty());
  EXPECT_EQ(view["fault"]["details"], "");
  EXPECT_EQ(view["status"], "ERROR");
}

TEST(InstanceList, ListsOnlyTheTenantsInstances) {
  ApiTestEnv env;
  const std::string mine = env.add_instance(env.tenant_a, "NONE");
  env.add_instance(env.tenant_b, "NONE");
  for (const char* path : {"/instances", "/instances/detail"}) {
    SCOPED_TRACE(path);
    const Response r = env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, path), env.token_a);
    ASSERT_EQ(r.status, 200);
    const json list = body_of(r)["instances"];
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["id"], mine);
  }
}

TEST(InstanceDelete, MasterWithReplicasIs409AndReplicaMayBeDeleted) {
  ApiTestEnv env;
  const std::string master = env.add_instance(env.tenant_a, "NONE");
  const std::string replica = env.add_instance(env.tenant_a, "NONE");
  env.instances.instances[replica].slave_of = master;
  const size_t ops_before = env.operation_count();
  const Response r =
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/instances/" + master), env.token_a);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(body_of(r)["conflict"]["message"], "instance " + master +
                                                   " is the replication source of " + replica +
                                                   "; detach or delete its replicas first");
  EXPECT_EQ(env.operation_count(), ops_before);
  EXPECT_TRUE(env.publisher.published().empty());
  EXPECT_EQ(env.instances.find(env.tenant_a, master)->task, "NONE");

  // The replica itself may go; once it is gone the master may go too.
  EXPECT_EQ(
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/instances/" + replica), env.token_a)
          .status,
      202);
  env.instances.mark_deleted(replica);
  EXPECT_EQ(
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/instances/" + master), env.token_a)
          .status,
      202);
}

TEST(InstanceShow, ReplicaAndMasterShowTheirReplication) {
  ApiTestEnv env;
  const std::string master = env.add_instance(env.tenant_a, "NONE");
  const std::string replica = env.add_instance(env.tenant_a, "NONE");
  env.instances.instances[replica].slave_of = master;

  const json r =
      body_of(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + replica),
                       env.token_a))["instance"];
  EXPECT_EQ(r["replica_of"]["id"], master);
  EXPECT_EQ(r["replica_of"]["links"][0]["href"],
            "http://api.example:8779/v1.0/" + env.tenant_a + "/instances/" + master);
  EXPECT_EQ(r["slave"], json({{"of", master}, {"read_only", true}}));
  EXPECT_FALSE(r.contains("replicas"));

  const json m =
      body_of(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + master),
                       env.token_a))["instance"];
  ASSERT_EQ(m["replicas"].size(), 1u);
  EXPECT_EQ(m["replicas"][0]["id"], replica);
  EXPECT_EQ(m["replicas"][0]["links"][1]["href"], "http://api.example:8779/instances/" + replica);
  EXPECT_EQ(m["slave"], json({{"list", json::array({{{"id", replica}}})}}));
  EXPECT_FALSE(m.contains("replica_of"));

  // The list shows the same, from the tenant's instances.
  const json list = body_of(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances"),
                                     env.token_a))["instances"];
  ASSERT_EQ(list.size(), 2u);
  for (const auto& v : list) {
    if (v["id"] == master) {
      EXPECT_EQ(v["replicas"][0]["id"], replica);
    } else {
      EXPECT_EQ(v["replica_of"]["id"], master);
    }
  }

  // A deleted replica leaves the master's list.
  env.instances.mark_deleted(replica);
  const json after =
      body_of(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + master),
                       env.token_a))["instance"];
  EXPECT_FALSE(after.contains("replicas"));
  EXPECT_FALSE(after.contains("slave"));
}

}  // namespace
}  // namespace automat::api
