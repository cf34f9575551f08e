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

TEST(OpenApi, EveryBodySchemaCompiles) {
  EXPECT_NO_THROW(BodySchemas{openapi_document()});
  BodySchemas schemas(openapi_document());
  EXPECT_TRUE(schemas.has(Method::kPost, "/v1.0/{tenant_id}/instances"));
  EXPECT_TRUE(schemas.has(Method::kPost, "/v1.0/{tenant_id}/clusters"));
  EXPECT_FALSE(schemas.has(Method::kGet, "/v1.0/{tenant_id}/instances"));
}

std::string refusal(const json& body, const std::string& path = "/v1.0/{tenant_id}/instances") {
  static const BodySchemas schemas(openapi_document());
  try {
    schemas.check(Method::kPost, path, body);
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
