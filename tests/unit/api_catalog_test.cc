// Datastores, flavors and operations through the Router, and the view shapes.
#include <gtest/gtest.h>

#include "api/views.h"
#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;

json get_ok(ApiTestEnv& env, const std::string& path) {
  const Response r = env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, path), env.token_a);
  EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  return body_of(r);
}

TEST(DatastoresApi, ListShowsVersionsAndDefault) {
  ApiTestEnv env;
  const json list = get_ok(env, "/datastores")["datastores"];
  ASSERT_EQ(list.size(), 1u);
  const json& ds = list[0];
  EXPECT_EQ(ds["name"], "mysql");
  EXPECT_EQ(ds["default_version"], env.version_id);
  ASSERT_EQ(ds["versions"].size(), 2u);
  for (const auto& v : ds["versions"]) {
    EXPECT_EQ(v["active"], v["id"] == env.version_id);
    EXPECT_TRUE(v.contains("links"));
    EXPECT_FALSE(v.contains("manager"));
  }
  EXPECT_EQ(ds["links"][0]["href"], "http://api.example:8779/v1.0/" + env.tenant_a +
                                        "/datastores/" + ds["id"].get<std::string>());
}

TEST(DatastoresApi, ADatastoreWithoutADefaultVersionOmitsTheKey) {
  // python-troveclient's `openstack datastore show` looks default_version up
  // among the versions and fails on a value that names none.
  ApiTestEnv env;
  db::DatastoreVersion v;
  v.name = "5.0.9";
  v.manager = "cassandra";
  env.catalog.register_version("cassandra", v, false);
  const json ds = get_ok(env, "/datastores/cassandra");
  EXPECT_EQ(ds["datastore"]["name"], "cassandra") << ds;
  EXPECT_FALSE(ds["datastore"].contains("default_version")) << ds;
  EXPECT_EQ(get_ok(env, "/datastores/mysql")["datastore"]["default_version"], env.version_id);
}

TEST(DatastoresApi, ShowVersionsAndOneVersionByNameOrId) {
  ApiTestEnv env;
  EXPECT_EQ(get_ok(env, "/datastores/mysql")["datastore"]["name"], "mysql");
  EXPECT_EQ(get_ok(env, "/datastores/mysql/versions")["versions"].size(), 2u);
  EXPECT_EQ(get_ok(env, "/datastores/mysql/versions/10.11")["version"]["id"], env.version_id);
  EXPECT_EQ(get_ok(env, "/datastores/mysql/versions/" + env.version_id)["version"]["name"],
            "10.11");
  const Response missing = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_a, "/datastores/mysql/versions/1.0"), env.token_a);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["itemNotFound"]["message"],
            "version '1.0' of datastore 'mysql' was not found");
  EXPECT_EQ(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/datastores/redis"), env.token_a)
                .status,
            404);
}

TEST(FlavorsApi, ListAndShow) {
  ApiTestEnv env;
  const json list = get_ok(env, "/flavors")["flavors"];
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], json::parse(R"({"id": 1, "str_id": "1", "name": "m1.tiny", "ram": 512,
      "vcpus": 1, "disk": 5, "ephemeral": 0, "links": [
        {"href": "http://api.example:8779/v1.0/)" +
                                 env.tenant_a + R"(/flavors/1", "rel": "self"},
        {"href": "http://api.example:8779/flavors/1", "rel": "bookmark"}]})"));
  EXPECT_EQ(get_ok(env, "/flavors/2")["flavor"]["name"], "m1.small");
  EXPECT_EQ(
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/flavors/77"), env.token_a).status,
      404);
}

TEST(OperationsApi, ShowsProgressButNeverParams) {
  ApiTestEnv env;
  const Response created = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"),
                                    env.token_a, testing::valid_create_body().dump());
  ASSERT_EQ(created.status, 202);
  const std::string op_id = created.operation_id;
  ASSERT_TRUE(env.operations.claim(op_id, "tm-1", std::chrono::seconds(30)));
  env.operations.save_progress(op_id, "tm-1", 2, "start-guest", 0.4, "starting the guest");

  const Response r =
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/operations/" + op_id), env.token_a);
  ASSERT_EQ(r.status, 200);
  const json op = body_of(r)["operation"];
  EXPECT_EQ(op["id"], op_id);
  EXPECT_EQ(op["type"], "instance.create");
  EXPECT_EQ(op["resource"]["type"], "instance");
  EXPECT_EQ(op["resource"]["id"], body_of(created)["instance"]["id"]);
  EXPECT_EQ(op["state"], "RUNNING");
  EXPECT_DOUBLE_EQ(op["progress"].get<double>(), 0.4);
  EXPECT_EQ(op["step"], 2);
  EXPECT_EQ(op["step_name"], "start-guest");
  EXPECT_EQ(op["message"], "starting the guest");
  EXPECT_EQ(op["errors"], json::array());
  EXPECT_TRUE(op["started"].is_string());
  EXPECT_TRUE(op["finished"].is_null());
  EXPECT_FALSE(op.contains("input"));
  EXPECT_FALSE(op.contains("checkpoint"));
  EXPECT_EQ(r.body.find("s3cret-pass-1"), std::string::npos);
}

TEST(Views, OperationErrorsAndFinish) {
  db::Operation op;
  op.id = "op-1";
  op.type = "instance.delete";
  op.resource_type = "instance";
  op.resource_id = "i-1";
  op.state = "FAILED";
  op.errors = {{"127.10.0.5", "guest unreachable"}};
  op.finished = "2026-01-01T00:00:00Z";
  op.input = {{"users", {{{"password", "pw-secret"}}}}};
  const json view = operation_view(op);
  EXPECT_EQ(view["errors"],
            json::parse(R"([{"host": "127.10.0.5", "message": "guest unreachable"}])"));
  EXPECT_EQ(view["finished"], "2026-01-01T00:00:00Z");
  EXPECT_TRUE(view["started"].is_null());
  EXPECT_EQ(view.dump().find("pw-secret"), std::string::npos);
  EXPECT_EQ(operation_ref(op), json({{"id", "op-1"}, {"state", "FAILED"}}));
}

TEST(Views, FaultBodyAndInvalidUtf8) {
  EXPECT_EQ(json::parse(fault_body("badRequest", 400, "no")),
            json::parse(R"({"badRequest": {"code": 400, "message": "no"}})"));
  // Invalid UTF-8 (e.g. from a %-decoded path) is replaced, never thrown.
  EXPECT_NO_THROW(to_body(json{{"m", std::string("bad \xff byte")}}));
}

}  // namespace
}  // namespace automat::api
