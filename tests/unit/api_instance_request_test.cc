// The pure validation of POST /instances bodies (api/instance_request.h).
#include <gtest/gtest.h>

#include <optional>

#include "api/instance_request.h"
#include "common/error.h"
#include "common/proto_json.h"
#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::valid_create_body;

constexpr VolumeBounds kBounds{1, 100};

// The message of the kBadRequest error parse_instance_create throws, or
// nullopt when it accepts the body.
std::optional<std::string> rejection(const json& doc) {
  try {
    parse_instance_create(doc, kBounds);
    return std::nullopt;
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << e.what();
    return std::string(e.what());
  }
}

struct BadCase {
  const char* pointer;  // JSON pointer of the field changed
  json value;           // new value; discarded (null) => the field is removed
  bool remove;
  const char* expected;  // substring the message must contain
};

json mutated(const BadCase& c) {
  json doc = valid_create_body();
  const json::json_pointer ptr(c.pointer);
  if (c.remove) {
    doc[ptr.parent_pointer()].erase(ptr.back());
  } else {
    doc[ptr] = c.value;
  }
  return doc;
}

TEST(InstanceRequest, AcceptsAValidBody) {
  const InstanceCreateRequest req = parse_instance_create(valid_create_body(), kBounds);
  EXPECT_EQ(req.name, "orders");
  EXPECT_EQ(req.flavor_ref, "1");
  EXPECT_EQ(req.volume_size_gb, 2);
  EXPECT_EQ(req.datastore_type, "mysql");
  EXPECT_EQ(req.datastore_version, "10.11");
  ASSERT_EQ(req.databases.size(), 1u);
  EXPECT_EQ(req.databases[0].character_set, "utf8mb4");
  ASSERT_EQ(req.users.size(), 1u);
  EXPECT_EQ(req.users[0].databases, std::vector<std::string>{"shop"});
  EXPECT_FALSE(req.users[0].host.has_value());
}

TEST(InstanceRequest, MinimalBodyLeavesOptionalPartsEmpty) {
  const json doc = {{"instance", {{"name", "x"}, {"flavorRef", 2}, {"volume", {{"size", 1}}}}}};
  const InstanceCreateRequest req = parse_instance_create(doc, kBounds);
  EXPECT_EQ(req.flavor_ref, "2");
  EXPECT_FALSE(req.datastore_type.has_value());
  EXPECT_FALSE(req.datastore_version.has_value());
  EXPECT_TRUE(req.databases.empty());
  EXPECT_TRUE(req.users.empty());
  EXPECT_FALSE(req.availability_zone.has_value());
}

TEST(InstanceRequest, FlavorRefMayBeAUrl) {
  json doc = valid_create_body();
  doc["instance"]["flavorRef"] = "http://api:8779/v1.0/t/flavors/7";
  EXPECT_EQ(parse_instance_create(doc, kBounds).flavor_ref, "7");
  EXPECT_EQ(flavor_id_from_ref("m1.tiny"), "m1.tiny");
  EXPECT_EQ(flavor_id_from_ref("/flavors/3/"), "3");
}

TEST(InstanceRequest, UserDatabasesAcceptObjectsAndHost) {
  json doc = valid_create_body();
  doc["instance"]["users"][0]["databases"] = {{{"name", "shop"}}};
  doc["instance"]["users"][0]["host"] = "10.0.%";
  const InstanceCreateRequest req = parse_instance_create(doc, kBounds);
  EXPECT_EQ(req.users[0].databases, std::vector<std::string>{"shop"});
  EXPECT_EQ(req.users[0].host, "10.0.%");
}

TEST(InstanceRequest, IgnoresUnknownFields) {
  json doc = valid_create_body();
  doc["instance"]["nics"] = {{{"net-id", "x"}}};
  doc["extra"] = true;
  EXPECT_EQ(rejection(doc), std::nullopt);
}

TEST(InstanceRequest, RejectsBadBodiesNamingTheField) {
  const BadCase cases[] = {
      {"/instance", nullptr, true, "instance is required"},
      {"/instance", json::array(), false, "instance must be an object"},
      {"/instance/name", nullptr, true, "instance.name is required"},
      {"/instance/name", 5, false, "instance.name must be a string"},
      {"/instance/name", "", false, "instance.name must not be empty"},
      {"/instance/name", "   ", false, "instance.name must not be empty"},
      {"/instance/name", std::string(256, 'n'), false, "instance.name must be at most 255"},
      {"/instance/name", "a\nb", false, "instance.name must not contain control"},
      {"/instance/flavorRef", nullptr, true, "instance.flavorRef is required"},
      {"/instance/flavorRef", true, false, "instance.flavorRef must be a string or an integer"},
      {"/instance/flavorRef", 1.5, false, "instance.flavorRef must be a string or an integer"},
      {"/instance/flavorRef", "", false, "instance.flavorRef must not be empty"},
      {"/instance/flavorRef", "http://api/v1.0/t/flavors/", false,
       "instance.flavorRef 'http://api/v1.0/t/flavors/' does not name a flavor"},
      {"/instance/volume", nullptr, true, "instance.volume is required"},
      {"/instance/volume", 5, false, "instance.volume must be an object"},
      {"/instance/volume/size", nullptr, true, "instance.volume.size is required"},
      {"/instance/volume/size", "two", false, "instance.volume.size must be a whole number"},
      {"/instance/volume/size", "2.5", false, "instance.volume.size must be a whole number"},
      {"/instance/volume/size", "1234567890", false, "instance.volume.size must be a whole number"},
      {"/instance/volume/size", "0", false, "instance.volume.size must be between 1 and 100"},
      {"/instance/volume/size", "101", false, "instance.volume.size must be between 1 and 100"},
      {"/instance/volume/size", 2.5, false, "instance.volume.size must be a whole number"},
      {"/instance/volume/size", "0", false,
       "instance.volume.size must be between 1 and 100 GB, got 0"},
      {"/instance/volume/size", 0, false, "instance.volume.size must be a whole number from 1 up"},
      {"/instance/volume/size", 101, false, "instance.volume.size must be between 1 and 100"},
      {"/instance/volume/size", 5000000000LL, false,
       "instance.volume.size must be between 1 and 100 GB, got more"},
      {"/instance/volume/size", -3, false, "instance.volume.size must be a whole number"},
      {"/instance/volume/size", 1e30, false, "instance.volume.size must be a whole number"},
      {"/instance/datastore", "mysql", false, "instance.datastore must be an object"},
      {"/instance/datastore/type", 1, false, "instance.datastore.type must be a string"},
      {"/instance/datastore/version", "", false, "instance.datastore.version must not be empty"},
      {"/instance/databases", "shop", false, "instance.databases must be an array"},
      {"/instance/databases/0", "shop", false, "instance.databases[0] must be an object"},
      {"/instance/databases/0/name", nullptr, true, "instance.databases[0].name is required"},
      {"/instance/databases/0/name", "bad name", false,
       "instance.databases[0].name must be 1 to 64 characters from A-Z, a-z, 0-9, _, $, -"},
      {"/instance/databases/0/name", std::string(65, 'd'), false, "instance.databases[0].name"},
      {"/instance/databases/0/character_set", "utf8;drop", false,
       "instance.databases[0].character_set"},
      {"/instance/databases/0/collate", 7, false, "instance.databases[0].collate must be a string"},
      {"/instance/databases/1",
       {{"name", "shop"}},
       false,
       "instance.databases[1].name 'shop' is listed twice"},
      {"/instance/users", {{"name", "x"}}, false, "instance.users must be an array"},
      {"/instance/users/0", "app", false, "instance.users[0] must be an object"},
      {"/instance/users/0/name", nullptr, true, "instance.users[0].name is required"},
      {"/instance/users/0/name", "a'b", false, "instance.users[0].name must be 1 to 80 characters"},
      {"/instance/users/0/name", std::string(81, 'u'), false, "instance.users[0].name"},
      {"/instance/users/0/password", nullptr, true, "instance.users[0].password is required"},
      {"/instance/users/0/password", 12345678, false,
       "instance.users[0].password must be a string"},
      {"/instance/users/0/password", "short", false,
       "instance.users[0].password must be 8 to 128 printable ASCII"},
      {"/instance/users/0/password", "tab\there-pass", false,
       "instance.users[0].password must be 8 to 128"},
      {"/instance/users/0/host", "a b", false,
       "instance.users[0].host must be 1 to 255 characters"},
      {"/instance/users/0/databases", "shop", false,
       "instance.users[0].databases must be an array"},
      {"/instance/users/0/databases/0", "other", false,
       "instance.users[0].databases[0] names database 'other', which is not in "
       "instance.databases"},
      {"/instance/users/0/databases/0", 3, false,
       "instance.users[0].databases[0] must be a database name or an object like {\"name\""},
      {"/instance/users/1",
       {{"name", "app"}, {"password", "another-pass"}},
       false,
       "instance.users[1].name 'app' is listed twice"},
      {"/instance/availability_zone", 3, false, "instance.availability_zone must be a string"},
      {"/instance/availability_zone", "zone one", false,
       "instance.availability_zone must be 1 to 255 characters from A-Z, a-z, 0-9, _, ., -"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.pointer) + " -> " + c.expected);
    const auto message = rejection(mutated(c));
    ASSERT_TRUE(message.has_value()) << "accepted";
    EXPECT_NE(message->find(c.expected), std::string::npos) << *message;
  }
}

TEST(InstanceRequest, RejectsANonObjectBody) {
  const auto message = rejection(json::array({1, 2}));
  ASSERT_TRUE(message);
  EXPECT_NE(message->find("the request body must be an object like {\"instance\": ...}"),
            std::string::npos)
      << *message;
}

TEST(InstanceRequest, PasswordIsNeverInTheMessage) {
  json doc = valid_create_body();
  doc["instance"]["users"][0]["password"] = "tiny\x01secret";
  const auto message = rejection(doc);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->find("secret"), std::string::npos) << *message;
}

TEST(InstanceRequest, OperationInputCarriesDatabasesAndUsers) {
  json doc = valid_create_body();
  doc["instance"]["users"].push_back(
      {{"name", "ro"}, {"password", "read-only-pw"}, {"host", "localhost"}});
  const auto input = create_operation_input(parse_instance_create(doc, kBounds));
  // As stored (protobuf's JSON mapping; empty fields left out).
  const json stored = common::proto_json::encode(input);
  EXPECT_EQ(stored["databases"], json::parse(R"([{"name": "shop", "character_set": "utf8mb4"}])"));
  ASSERT_EQ(stored["users"].size(), 2u);
  EXPECT_EQ(stored["users"][0],
            json::parse(R"({"name": "app", "password": "s3cret-pass-1", "databases": ["shop"]})"));
  EXPECT_EQ(stored["users"][1]["host"], "localhost");
  EXPECT_FALSE(stored["users"][1].contains("databases"));
  EXPECT_FALSE(stored.contains("replica_of")) << "not a replica";
}

}  // namespace
}  // namespace automat::api
