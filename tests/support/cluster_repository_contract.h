#pragma once
// The promises of db::ClusterRepository (db/repositories.h) checked on any
// implementation: the PostgreSQL one (db_clusters_test, cluster_db group)
// and the fake of tests/fakes/ (db_fakes_test) run the same checks, so a
// unit test on the fake sees the semantics production has.
//
// `make_cluster(zones)` returns a new, valid, unwritten cluster of one
// tenant with one node per zone (fresh ids, ordinals 1..N, each node's role
// {"seed": <first>, "dc": "dc1"}); `other_tenant_id` is another tenant. The
// store may hold rows of other tests: nothing here assumes it is empty.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "db/repositories.h"

namespace automat::testing {
namespace contract {

inline db::Operation cluster_operation(const db::Cluster& c, const std::string& type) {
  db::Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = c.tenant_id;
  op.type = type;
  op.resource_type = "cluster";
  op.resource_id = c.id;
  return op;
}

inline const db::Node* node_of(const db::Cluster& c, const std::string& id) {
  for (const auto& n : c.nodes) {
    if (n.instance_id == id) return &n;
  }
  return nullptr;
}

}  // namespace contract

inline void check_cluster_repository_contract(
    db::ClusterRepository& clusters,
    const std::function<db::Cluster(const std::vector<std::string>& zones)>& make_cluster,
    const std::string& other_tenant_id) {
  using nlohmann::json;
  // Written as given: placement, role, ordinals, scoped to the tenant.
  db::Cluster c = make_cluster({"z1", "z2", "z1"});
  c.nodes[1].region = "west";
  clusters.create_with_operation(c, contract::cluster_operation(c, "cluster.create"));
  auto got = clusters.find(c.tenant_id, c.id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->nodes.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    SCOPED_TRACE("node " + std::to_string(k));
    EXPECT_EQ(got->nodes[k].instance_id, c.nodes[k].instance_id) << "by ordinal";
    EXPECT_EQ(got->nodes[k].ordinal, static_cast<int>(k) + 1);
    EXPECT_EQ(got->nodes[k].zone, c.nodes[k].zone);
    EXPECT_EQ(got->nodes[k].region, c.nodes[k].region);
    EXPECT_EQ(got->nodes[k].role, c.nodes[k].role) << "the role is stored as written";
    EXPECT_EQ(got->nodes[k].phase, "");
  }
  EXPECT_EQ(got->next_ordinal, 4);
  EXPECT_FALSE(clusters.find(other_tenant_id, c.id)) << "another tenant's id reads as absent";
  EXPECT_TRUE(clusters.find_any(c.id));

  // Roles: the named nodes of this cluster take theirs, the others keep
  // theirs; a node of another cluster is not touched.
  db::Cluster other = make_cluster({"z9"});
  clusters.create_with_operation(other, contract::cluster_operation(other, "cluster.create"));
  const json seed_dc2 = {{"seed", true}, {"dc", "dc2"}};
  clusters.set_roles(c.id, {{c.nodes[1].instance_id, seed_dc2},
                            {c.nodes[2].instance_id, json{{"seed", false}, {"dc", "dc2"}}},
                            {other.nodes[0].instance_id, seed_dc2}});
  got = clusters.find_any(c.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(contract::node_of(*got, c.nodes[0].instance_id)->role, c.nodes[0].role);
  EXPECT_EQ(contract::node_of(*got, c.nodes[1].instance_id)->role, seed_dc2);
  EXPECT_EQ(contract::node_of(*got, c.nodes[2].instance_id)->role,
            json({{"seed", false}, {"dc", "dc2"}}));
  EXPECT_EQ(clusters.find_any(other.id)->nodes[0].role, other.nodes[0].role)
      << "set_roles names one cluster";

  // Phase, task, status.
  clusters.set_node_phase(c.nodes[2].instance_id, "cleanup");
  clusters.set_task(c.id, "NONE");
  clusters.set_status(c.id, "ACTIVE");
  got = clusters.find_any(c.id);
  EXPECT_EQ(contract::node_of(*got, c.nodes[2].instance_id)->phase, "cleanup");
  EXPECT_EQ(contract::node_of(*got, c.nodes[0].instance_id)->phase, "");
  EXPECT_EQ(got->task, "NONE");
  EXPECT_EQ(got->status, "ACTIVE");

  // start_operation: from an allowed task it flips the task and adds the
  // nodes; from another it writes nothing.
  db::Cluster more = make_cluster({"z3"});
  db::Node added = more.nodes[0];
  added.cluster_id = c.id;
  added.ordinal = 4;
  added.instance.cluster_id = c.id;
  EXPECT_TRUE(clusters.start_operation(c.id, "GROWING", {"NONE"}, {added},
                                       contract::cluster_operation(c, "cluster.grow")));
  got = clusters.find_any(c.id);
  EXPECT_EQ(got->task, "GROWING");
  ASSERT_EQ(got->nodes.size(), 4u);
  EXPECT_EQ(got->nodes[3].zone, "z3");
  EXPECT_EQ(got->next_ordinal, 5);
  EXPECT_FALSE(clusters.start_operation(c.id, "SHRINKING", {"NONE"}, {},
                                        contract::cluster_operation(c, "cluster.shrink")));
  EXPECT_EQ(clusters.find_any(c.id)->task, "GROWING") << "a refused start writes nothing";

  // Deleted: gone from every read.
  clusters.mark_deleted(c.id);
  EXPECT_FALSE(clusters.find(c.tenant_id, c.id));
  EXPECT_FALSE(clusters.find_any(c.id));
  for (const auto& listed : clusters.list(c.tenant_id)) EXPECT_NE(listed.id, c.id);
}

}  // namespace automat::testing
