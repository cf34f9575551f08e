// MySQL's API strategy (datastores/mysql/api_strategy.h) and its registration.
#include <gtest/gtest.h>

#include "common/error.h"
#include "datastores/api_registry.h"
#include "datastores/mysql/api_strategy.h"

namespace automat::datastores::mysql {
namespace {

using nlohmann::json;

db::DatastoreVersion version(int min_ram = 0) {
  db::DatastoreVersion v;
  v.datastore_name = "mysql";
  v.name = "10.11";
  v.manager = "mysql";
  v.min_ram_mb = min_ram;
  return v;
}

db::Flavor flavor(int ram) { return {"f", "m1.test", ram, 1, 1}; }

// `body`'s databases and users, parsed as a create request (the strategy
// sees what api::parse_instance_create made of them).
api::InstanceCreateRequest request(json body) {
  body["name"] = "db1";
  body["flavorRef"] = "f";
  body["volume"] = {{"size", 1}};
  return api::parse_instance_create({{"instance", body}}, api::VolumeBounds{});
}

std::string refusal(const json& body, const db::Flavor& f, const db::DatastoreVersion& v) {
  const api::InstanceCreateRequest req = request(body);
  try {
    MysqlApiStrategy().validate_instance_create(req, f, v);
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    return e.what();
  }
  return "";
}

json with_database(json db) { return {{"databases", json::array({std::move(db)})}}; }

TEST(MysqlApiStrategy, IsRegisteredUnderMysql) {
  EXPECT_NE(dynamic_cast<const MysqlApiStrategy*>(api_strategy("mysql")), nullptr);
  EXPECT_EQ(api_strategy("nosuchdb"), nullptr);
}

TEST(MysqlApiStrategy, NeedsEnoughRam) {
  EXPECT_EQ(refusal(json::object(), flavor(512), version()), "");
  EXPECT_NE(refusal(json::object(), flavor(511), version()).find("needs at least 512 MB"),
            std::string::npos);
  const std::string msg = refusal(json::object(), flavor(1024), version(2048));
  EXPECT_NE(msg.find("instance.flavorRef"), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs at least 2048 MB"), std::string::npos) << msg;
}

TEST(MysqlApiStrategy, RefusesReservedNames) {
  for (const char* name : {"mysql", "INFORMATION_SCHEMA", "performance_schema", "sys"}) {
    EXPECT_NE(refusal(with_database({{"name", name}}), flavor(512), version()).find("reserved"),
              std::string::npos)
        << name;
  }
  for (const char* name : {"root", "mariadb.sys", "Root"}) {
    const json body = {{"users", {{{"name", name}, {"password", "password1"}}}}};
    EXPECT_NE(refusal(body, flavor(512), version()).find("instance.users[0].name"),
              std::string::npos)
        << name;
  }
  EXPECT_EQ(refusal(with_database({{"name", "shop"}}), flavor(512), version()), "");
}

TEST(MysqlApiStrategy, ChecksCharacterSetAndCollation) {
  const auto check = [](json db) {
    return refusal(with_database(std::move(db)), flavor(512), version());
  };
  EXPECT_EQ(check({{"name", "a"}, {"character_set", "utf8mb4"}, {"collate", "utf8mb4_general_ci"}}),
            "");
  EXPECT_EQ(check({{"name", "a"}, {"character_set", "utf8"}, {"collate", "utf8mb3_bin"}}), "");
  EXPECT_EQ(check({{"name", "a"}, {"collate", "latin1_swedish_ci"}}), "");
  EXPECT_NE(check({{"name", "a"}, {"character_set", "klingon"}})
                .find("instance.databases[0].character_set 'klingon'"),
            std::string::npos);
  EXPECT_NE(check({{"name", "a"}, {"character_set", "latin1"}, {"collate", "utf8mb4_bin"}})
                .find("does not belong to character set 'latin1'"),
            std::string::npos);
  EXPECT_NE(check({{"name", "a"}, {"collate", "nonsense"}}).find("instance.databases[0].collate"),
            std::string::npos);
}

}  // namespace
}  // namespace automat::datastores::mysql
