// docs/openapi.yaml is the API's description of record: its paths and
// methods are exactly the router's routes, and request bodies are checked
// against its schemas with messages that name the field.
#include <gtest/gtest.h>

#include <set>

#include "api/body_schemas.h"
#include "api/openapi.h"
#include "api/responses.h"
#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;

std::string lower(const char* s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(OpenApi, DescribesExactlyTheRoutesTheRouterServes) {
  ApiTestEnv env;
  std::set<std::string> served;
  for (const auto& [method, path] : env.router->routes()) {
    served.insert(lower(method_name(method)) + " " + path);
  }
  std::set<std::string> documented;
  const json& paths = openapi_document().at("paths");
  for (auto p = paths.begin(); p != paths.end(); ++p) {
    for (auto op = p.value().begin(); op != p.value().end(); ++op) {
      if (op.key() == "parameters") continue;
      documented.insert(op.key() + " " + p.key());
    }
  }
  for (const auto& route : served) {
    EXPECT_TRUE(documented.count(route)) << route << " is served but not in docs/openapi.yaml";
  }
  for (const auto& route : documented) {
    EXPECT_TRUE(served.count(route)) << route << " is in docs/openapi.yaml but not served";
  }
}

TEST(OpenApi, EveryOperationHasAUniqueIdAndEveryPathParameterIsDeclared) {
  std::set<std::string> ids;
  const json& doc = openapi_document();
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    std::set<std::string> declared;
    for (const json& param : p.value().value("parameters", json::array())) {
      const std::string ref = param.value("$ref", "");
      declared.insert(ref.empty() ? param.value("name", "") : ref.substr(ref.rfind('/') + 1));
    }
    for (size_t open = p.key().find('{'); open != std::string::npos;
         open = p.key().find('{', open + 1)) {
      const std::string name = p.key().substr(open + 1, p.key().find('}', open) - open - 1);
      EXPECT_TRUE(declared.count(name)) << p.key() << " does not declare {" << name << "}";
    }
    for (auto op = p.value().begin(); op != p.value().end(); ++op) {
      if (op.key() == "parameters") continue;
      ASSERT_TRUE(op.value().contains("operationId")) << op.key() << " " << p.key();
      EXPECT_TRUE(ids.insert(op.value()["operationId"].get<std::string>()).second)
          << "operationId used twice: " << op.value()["operationId"];
    }
  }
}

TEST(OpenApi, EveryRouteThatTakesABodyChecksItAgainstASchema) {
  ApiTestEnv env;
  size_t checked = 0;
  for (const auto& [method, path] : env.router->routes()) {
    if (method != Method::kPost && method != Method::kPut && method != Method::kPatch) continue;
    ++checked;
    EXPECT_TRUE(published_body_schemas().has(method, path))
        << method_name(method) << " " << path
        << " takes a body but docs/openapi.yaml gives it no requestBody schema";
  }
  EXPECT_GE(checked, 19u) << "the walk found the routes";
}

TEST(OpenApi, EveryBodySchemaCompiles) {
  EXPECT_NO_THROW(BodySchemas{openapi_document()});
  BodySchemas schemas(openapi_document());
  EXPECT_TRUE(schemas.has(Method::kPost, "/v1.0/{tenant_id}/instances"));
  EXPECT_TRUE(schemas.has(Method::kPost, "/v1.0/{tenant_id}/clusters"));
  EXPECT_FALSE(schemas.has(Method::kGet, "/v1.0/{tenant_id}/instances"));
}

std::string refusal(const json& body, const std::string& path = "/v1.0/{tenant_id}/instances",
                    Method method = Method::kPost) {
  static const BodySchemas schemas(openapi_document());
  try {
    schemas.check(method, path, body);
  } catch (const common::Error& e) {
    EXPECT_EQ(e.http_status(), 400);
    return e.what();
  }
  return "";
}

TEST(BodySchemas, AValidBodyPasses) { EXPECT_EQ(refusal(testing::valid_create_body()), ""); }

TEST(BodySchemas, MessagesNameTheFieldAndWhatIsWrong) {
  json body = testing::valid_create_body();
  body["instance"]["volume"]["size"] = "two";
  EXPECT_EQ(refusal(body),
            "instance.volume.size must be a whole number from 1 up: an integer, or a string of up "
            "to 9 digits");

  body = testing::valid_create_body();
  body["instance"].erase("name");
  EXPECT_EQ(refusal(body), "instance.name is required");

  body = testing::valid_create_body();
  body["instance"]["flavorRef"] = json::array();
  EXPECT_EQ(refusal(body), "instance.flavorRef must be a string or an integer");

  body = testing::valid_create_body();
  body["instance"]["users"][0]["password"] = 12345678;
  EXPECT_EQ(refusal(body), "instance.users[0].password must be a string");

  body = testing::valid_create_body();
  body["instance"]["replica_count"] = 9;
  EXPECT_EQ(refusal(body), "instance.replica_count must be an integer from 1 to 3");

  body = testing::valid_create_body();
  body["instance"]["volume"]["size"] = 0;
  EXPECT_EQ(refusal(body),
            "instance.volume.size must be a whole number from 1 up: an integer, or a string of up "
            "to 9 digits");

  EXPECT_EQ(refusal(json::array()), "the request body must be an object like {\"instance\": ...}");
  EXPECT_EQ(refusal(json::object()), "instance is required");
}

TEST(BodySchemas, NullIsAllowedWhereTheDescriptionSaysNullable) {
  json body = testing::valid_create_body();
  body["instance"]["availability_zone"] = nullptr;
  EXPECT_EQ(refusal(body), "");
  body["instance"]["name"] = nullptr;
  EXPECT_EQ(refusal(body), "instance.name is required");
  body["instance"]["name"] = 7;
  EXPECT_EQ(refusal(body), "instance.name must be a string");
}

TEST(BodySchemas, MessagesNeverRepeatTheClientsValue) {
  json body = testing::valid_create_body();
  body["instance"]["availability_zone"] = std::string(300, 'z') + "secret";
  const std::string message = refusal(body);
  EXPECT_NE(message.find("instance.availability_zone"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
}

constexpr const char* kInstanceAction = "/v1.0/{tenant_id}/instances/{instance_id}/action";
constexpr const char* kClusters = "/v1.0/{tenant_id}/clusters";

TEST(BodySchemas, AnUnknownMemberIsNamedWhereTheSchemaListsEveryMember) {
  EXPECT_EQ(refusal({{"frobnicate", json::object()}}, kInstanceAction),
            "the request body names 'frobnicate', which is not an action: use resize, detach, "
            "promote_to_replica_source or eject_replica_source");
  EXPECT_EQ(refusal({{"resize", {{"volume", {{"size", 2}}}, {"flavour", "2"}}}}, kInstanceAction),
            "resize names 'flavour', which is not one of: flavorRef, volume");
  EXPECT_EQ(
      refusal({{"quotas", {{"cores", 4}}}}, "/v1.0/{tenant_id}/mgmt/quotas/{tenant}", Method::kPut),
      "quotas names 'cores', which is not a quota resource; the resources are instances, "
      "ram, volumes, backups");
  // A creation body keeps ignoring what it does not know (Trove's clients send more).
  json create = testing::valid_create_body();
  create["instance"]["locality"] = "affinity";
  create["extra"] = 1;
  EXPECT_EQ(refusal(create), "");
}

TEST(BodySchemas, AnInstanceActionIsExactlyOneKnownAction) {
  EXPECT_EQ(refusal(json::object(), kInstanceAction),
            "the request body must hold exactly one action: resize, detach, "
            "promote_to_replica_source or eject_replica_source");
  EXPECT_EQ(refusal({{"detach", json::object()}, {"eject_replica_source", json::object()}},
                    kInstanceAction),
            "the request body must hold exactly one action: resize, detach, "
            "promote_to_replica_source or eject_replica_source");
  EXPECT_EQ(refusal({{"detach", 1}}, kInstanceAction), "detach must be an object");
  EXPECT_EQ(refusal({{"detach", nullptr}}, kInstanceAction), "");
  EXPECT_EQ(refusal({{"promote_to_replica_source", json::object()}}, kInstanceAction), "");
}

TEST(BodySchemas, AResizeIsTheVolumeOrTheFlavorNeverBoth) {
  EXPECT_EQ(refusal({{"resize", {{"volume", {{"size", 2}}}, {"flavorRef", "2"}}}}, kInstanceAction),
            "resize takes one of volume and flavorRef at a time: grow the volume, then change the "
            "flavor with a second resize once the first finished");
  EXPECT_EQ(refusal({{"resize", json::object()}}, kInstanceAction),
            "resize must be {\"volume\": {\"size\": N}} or {\"flavorRef\": F}");
  EXPECT_EQ(refusal({{"resize", {{"flavorRef", nullptr}}}}, kInstanceAction),
            "resize.flavorRef is required");
  EXPECT_EQ(refusal({{"resize", {{"flavorRef", 7}}}}, kInstanceAction), "");
  EXPECT_EQ(refusal({{"resize", {{"volume", {{"size", "3"}}}}}}, kInstanceAction), "");
}

TEST(BodySchemas, AnInstanceUpdateOnlyDetaches) {
  const std::string path = "/v1.0/{tenant_id}/instances/{instance_id}";
  const auto update = [&](const json& instance) {
    return refusal({{"instance", instance}}, path, Method::kPut);
  };
  EXPECT_EQ(update({{"replica_of", nullptr}}), "");
  EXPECT_EQ(update({{"slave_of", nullptr}, {"name", "x"}}), "");
  EXPECT_EQ(update({{"replica_of", "other-master"}}),
            "instance.replica_of can only be set to null (detach); a replica cannot be "
            "re-pointed at another master");
  EXPECT_EQ(update({{"slave_of", 5}}),
            "instance.slave_of can only be set to null (detach); a replica cannot be re-pointed "
            "at another master");
  EXPECT_EQ(update({{"name", "x"}}),
            "instance.replica_of is required: PUT /instances/{id} only detaches a replica, with "
            "{\"instance\": {\"replica_of\": null}}");
  EXPECT_EQ(update(json::array()), "instance must be an object");
  EXPECT_EQ(refusal(json::object(), path, Method::kPut), "instance is required");
}

json seed_cluster() {
  return {{"cluster",
           {{"name", "ring"},
            {"datastore", {{"type", "cassandra"}}},
            {"flavorRef", "2"},
            {"volume", {{"size", 1}}},
            {"size", 3}}}};
}

TEST(BodySchemas, AClusterCreateIsOneOfItsFormsWithWhatThatFormNeeds) {
  EXPECT_EQ(refusal(seed_cluster(), kClusters), "");
  json both = seed_cluster();
  both["cluster"]["instances"] = {{{"flavorRef", "2"}, {"volume", {{"size", 1}}}}};
  EXPECT_EQ(refusal(both, kClusters),
            "cluster.instances cannot be given with cluster.size or cluster.nodes: give either "
            "cluster.instances or cluster.size/cluster.nodes, not both");
  both["cluster"]["size"] = nullptr;  // null is left out
  EXPECT_EQ(refusal(both, kClusters), "");

  json neither = seed_cluster();
  neither["cluster"].erase("size");
  EXPECT_EQ(refusal(neither, kClusters),
            "cluster.instances is required: list the nodes, or give cluster.size (and "
            "cluster.nodes), or restore a backup with cluster.restore");
  neither["cluster"]["restore"] = {{"backup", "b-1"}};
  EXPECT_EQ(refusal(neither, kClusters), "");

  for (const char* member : {"flavorRef", "volume"}) {
    json missing = seed_cluster();
    missing["cluster"][member] = nullptr;
    EXPECT_EQ(refusal(missing, kClusters),
              "cluster." + std::string(member) + " is required with cluster.size or cluster.nodes");
    missing["cluster"].erase("size");
    missing["cluster"]["nodes"] = {json::object()};
    EXPECT_EQ(refusal(missing, kClusters),
              "cluster." + std::string(member) + " is required with cluster.size or cluster.nodes");
  }
  // A member's own mistake is named before the rules across members.
  json bad = seed_cluster();
  bad["cluster"].erase("name");
  bad["cluster"].erase("size");
  EXPECT_EQ(refusal(bad, kClusters), "cluster.name is required");
}

TEST(BodySchemas, RulesAcrossMembersOfTheOtherBodies) {
  EXPECT_EQ(refusal({{"nodes", json::object()}}, "/v1.0/{tenant_id}/clusters/{cluster_id}/nodes"),
            "nodes.num or nodes.allocations is required");
  EXPECT_EQ(refusal({{"nodes", {{"num", nullptr}, {"allocations", {json::object()}}}}},
                    "/v1.0/{tenant_id}/clusters/{cluster_id}/nodes"),
            "");
  const std::string schedule = "/v1.0/{tenant_id}/instances/{instance_id}/backup_schedule";
  const std::string needs =
      "backup_schedule needs exactly one of interval (e.g. \"6h\") and daily_at (\"HH:MM\", "
      "UTC)";
  EXPECT_EQ(refusal({{"backup_schedule", {{"retention", 3}}}}, schedule, Method::kPut), needs);
  EXPECT_EQ(
      refusal({{"backup_schedule", {{"retention", 3}, {"interval", "6h"}, {"daily_at", "01:00"}}}},
              schedule, Method::kPut),
      needs);
  EXPECT_EQ(refusal({{"backup_schedule", {{"interval", "6h"}}}}, schedule, Method::kPut),
            "backup_schedule.retention is required");
  const std::string action = "/v1.0/{tenant_id}/clusters/{cluster_id}/action";
  for (const json& concurrency : {json(0), json(101), json("101"), json("0"), json(true)}) {
    EXPECT_EQ(refusal({{"resize", {{"flavorRef", "2"}, {"concurrency", concurrency}}}}, action),
              "resize.concurrency must be a whole number from 1 to 100, the nodes (or racks) "
              "that restart at once")
        << concurrency;
  }
  for (const json& concurrency : {json(1), json(100), json("100"), json("07")}) {
    EXPECT_EQ(refusal({{"resize", {{"flavorRef", "2"}, {"concurrency", concurrency}}}}, action), "")
        << concurrency;
  }
}

TEST(BodySchemas, ARuleThatCouldReportElsewhereDoesNotCompile) {
  json doc = openapi_document();
  doc["components"]["schemas"]["QuotaUpdateRequest"]["allOf"] =
      json::array({{{"x-error", "needs a limit"},
                    {"properties", {{"quotas", {{"required", json::array({"ram"})}}}}}}});
  EXPECT_THROW(BodySchemas{doc}, std::runtime_error);
}

TEST(JsonSchemaOf, TurnsNullableIntoATypeThatAdmitsNull) {
  EXPECT_EQ(json_schema_of(json{{"type", "string"}, {"nullable", true}}),
            (json{{"type", {"string", "null"}}}));
  EXPECT_EQ(json_schema_of(json{{"$ref", "#/x"}, {"nullable", true}}),
            (json{{"anyOf", {{{"$ref", "#/x"}}, {{"type", "null"}}}}}));
  EXPECT_EQ(
      json_schema_of(json{{"properties", {{"a", {{"type", "integer"}, {"nullable", true}}}}}}),
      (json{{"properties", {{"a", {{"type", {"integer", "null"}}}}}}}));
}

}  // namespace
}  // namespace automat::api
