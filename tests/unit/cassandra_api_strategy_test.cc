// Cassandra's API faces (datastores/cassandra/api_*.h) and their registration.
#include <gtest/gtest.h>

#include "common/error.h"
#include "datastores/api_registry.h"
#include "datastores/cassandra/api_cluster_strategy.h"
#include "datastores/cassandra/api_strategy.h"
#include "datastores/cassandra/common_node_role.h"

namespace automat::datastores::cassandra {
namespace {

using nlohmann::json;

db::DatastoreVersion version(int min_ram = 0) {
  db::DatastoreVersion v;
  v.datastore_name = "cassandra";
  v.name = "5.0";
  v.manager = "cassandra";
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
    CassandraApiStrategy().validate_instance_create(req, f, v);
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    return e.what();
  }
  return "";
}

TEST(CassandraApiStrategy, IsRegisteredWithItsClusterRules) {
  EXPECT_NE(dynamic_cast<const CassandraApiStrategy*>(api_strategy("cassandra")), nullptr);
  EXPECT_NE(dynamic_cast<const CassandraClusterStrategy*>(cluster_strategy("cassandra")), nullptr);
  EXPECT_EQ(cluster_strategy("mysql"), nullptr) << "mysql builds no clusters";
  EXPECT_EQ(cluster_strategy("nosuchdb"), nullptr);
}

TEST(CassandraApiStrategy, NeedsOneGigabyteOfRam) {
  const std::string why = refusal(json::object(), flavor(1023), version());
  EXPECT_NE(why.find("instance.flavorRef: flavor 'm1.test' has 1023 MB of RAM"), std::string::npos)
      << why;
  EXPECT_NE(why.find("at least 1024 MB (never less than 1 GB)"), std::string::npos) << why;
  EXPECT_EQ(refusal(json::object(), flavor(1024), version()), "");
  EXPECT_NE(refusal(json::object(), flavor(2048), version(4096)).find("at least 4096 MB"),
            std::string::npos)
      << "the version's minimum when larger";
}

TEST(CassandraApiStrategy, KeyspaceNamesAndReservedNames) {
  const auto body_with_db = [](const std::string& name) {
    return json{{"databases", {{{"name", name}}}}};
  };
  EXPECT_EQ(refusal(body_with_db("orders_2024"), flavor(1024), version()), "");
  EXPECT_NE(refusal(body_with_db("bad-name"), flavor(1024), version())
                .find("not a valid Cassandra keyspace name"),
            std::string::npos);
  EXPECT_NE(refusal(body_with_db(std::string(49, 'k')), flavor(1024), version()).find("1 to 48"),
            std::string::npos);
  EXPECT_NE(
      refusal(body_with_db("System_Auth"), flavor(1024), version()).find("reserved by Cassandra"),
      std::string::npos);
  EXPECT_NE(refusal({{"users", {{{"name", "Cassandra"}, {"password", "password1"}}}}}, flavor(1024),
                    version())
                .find("instance.users[0].name 'Cassandra' is reserved"),
            std::string::npos);
}

TEST(CassandraClusterStrategy, FlavorSeedsAndShrinkRefusal) {
  const CassandraClusterStrategy rules;
  try {
    rules.validate_node_flavor(flavor(512), version(), "cluster.instances[0].flavorRef");
    ADD_FAILURE() << "512 MB accepted";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("cluster.instances[0].flavorRef"), std::string::npos);
  }

  db::Cluster c;
  c.name = "ring";
  for (const char* rack : {"r1", "r1", "r2"}) {
    db::Node n;
    n.instance_id = "n" + std::to_string(c.nodes.size() + 1);
    n.zone = rack;
    n.instance.name = "ring-" + std::to_string(c.nodes.size() + 1);
    c.nodes.push_back(n);
  }
  std::vector<db::Node> ring = c.nodes;
  rules.assign_roles({}, ring);
  EXPECT_EQ(ring[0].role, role_json(true, "dc1"));
  EXPECT_EQ(ring[1].role, role_json(false, "dc1"));
  EXPECT_EQ(ring[2].role, role_json(true, "dc1")) << "one seed per rack";
  EXPECT_EQ(rules.node_order(ring), (std::vector<std::string>{"n1", "n3", "n2"}))
      << "seeds start first";
  // Nodes added to a running ring start as non-seeds.
  std::vector<db::Node> added = {c.nodes[2]};
  rules.assign_roles(ring, added);
  EXPECT_EQ(added[0].role, role_json(false, "dc1"));
  try {
    rules.check_shrink(c, {"n2"});
    ADD_FAILURE() << "shrink without reports accepted";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnprocessable);
    EXPECT_EQ(
        std::string(e.what()),
        "cannot shrink cluster ring: node ring-1 has not reported its ring yet; retry shortly");
  }
}

}  // namespace
}  // namespace automat::datastores::cassandra
