// Parsing of the /clusters request bodies (api/cluster_request.h): both
// create forms, the actions and the seed document's add-nodes form; every
// refusal is a 400 that names what is wrong.
#include <gtest/gtest.h>

#include "api/cluster_request.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

const VolumeBounds kBounds{1, 100};

json trove_body(int nodes = 3) {
  json instances = json::array();
  for (int i = 0; i < nodes; ++i) {
    instances.push_back({{"flavorRef", "2"},
                         {"volume", {{"size", 2}}},
                         {"availability_zone", "r" + std::to_string(i % 2 + 1)}});
  }
  return {{"cluster",
           {{"name", "ring"},
            {"datastore", {{"type", "cassandra"}, {"version", "5.0"}}},
            {"instances", instances}}}};
}

json seed_body() {
  return {{"cluster",
           {{"name", "products"},
            {"datastore", {{"type", "cassandra"}}},
            {"flavorRef", "7"},
            {"volume", {{"size", 1}}},
            {"size", 3},
            {"nodes", {{{"region", "west"}}, {{"region", "east"}}, {{"region", "eu"}}}}}}};
}

// The 400 message of `fn`, or "" when it did not throw.
template <typename Fn>
std::string refusal(Fn fn) {
  try {
    fn();
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << e.what();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a common::Error: " << e.what();
    return e.what();
  }
  return "";
}

std::string create_refusal(const json& body) {
  return refusal([&] { parse_cluster_create(body, kBounds); });
}

#define EXPECT_REFUSED(message, needle) \
  EXPECT_NE((message).find(needle), std::string::npos) << "message: " << (message)

TEST(ClusterCreateRequest, TroveFormGivesOneSpecPerInstance) {
  const auto req = parse_cluster_create(trove_body(3), kBounds);
  EXPECT_EQ(req.name, "ring");
  EXPECT_EQ(req.datastore_type, "cassandra");
  EXPECT_EQ(req.datastore_version, "5.0");
  ASSERT_EQ(req.nodes.size(), 3u);
  EXPECT_EQ(req.nodes[0].flavor_ref, "2");
  EXPECT_EQ(req.nodes[0].volume_size_gb, 2);
  EXPECT_EQ(req.nodes[0].zone, "r1");
  EXPECT_EQ(req.nodes[1].zone, "r2");
  EXPECT_EQ(req.nodes[2].field, "cluster.instances[2]");
}

TEST(ClusterCreateRequest, SeedFormTakesFlavorVolumeAndRegions) {
  const auto req = parse_cluster_create(seed_body(), kBounds);
  EXPECT_FALSE(req.datastore_version);
  ASSERT_EQ(req.nodes.size(), 3u);
  for (const auto& n : req.nodes) {
    EXPECT_EQ(n.flavor_ref, "7");
    EXPECT_EQ(n.volume_size_gb, 1);
  }
  EXPECT_EQ(req.nodes[1].zone, "east");

  json size_only = seed_body();
  size_only["cluster"].erase("nodes");
  const auto sized = parse_cluster_create(size_only, kBounds);
  ASSERT_EQ(sized.nodes.size(), 3u);
  EXPECT_FALSE(sized.nodes[0].zone) << "no region: the datastore's default zone";

  json nodes_only = seed_body();
  nodes_only["cluster"].erase("size");
  EXPECT_EQ(parse_cluster_create(nodes_only, kBounds).nodes.size(), 3u);
}

TEST(ClusterCreateRequest, SizeAndNodesThatDisagreeAreRefused) {
  json body = seed_body();
  body["cluster"]["size"] = 2;
  const std::string why = create_refusal(body);
  EXPECT_REFUSED(why, "cluster.size is 2 but cluster.nodes lists 3 nodes");
}

TEST(ClusterCreateRequest, BothFormsOrNeitherAreRefused) {
  json both = trove_body();
  both["cluster"]["size"] = 3;
  EXPECT_REFUSED(create_refusal(both), "either cluster.instances or cluster.size");
  json neither = trove_body();
  neither["cluster"].erase("instances");
  EXPECT_REFUSED(create_refusal(neither), "cluster.instances is required");
}

TEST(ClusterCreateRequest, NodeCountBounds) {
  EXPECT_REFUSED(create_refusal(trove_body(0)), "cluster.instances must list at least 1 item");
  EXPECT_REFUSED(create_refusal(trove_body(13)), "cluster.instances must list at most 12 items");
  EXPECT_EQ(parse_cluster_create(trove_body(12), kBounds).nodes.size(), 12u);
  json body = seed_body();
  body["cluster"].erase("nodes");
  for (int size : {0, -1, 13}) {
    body["cluster"]["size"] = size;
    EXPECT_REFUSED(create_refusal(body), "cluster.size must be a node count from 1 to 12");
  }
  // A count given as a string of digits is bounded after the schema.
  body["cluster"]["size"] = "13";
  EXPECT_REFUSED(create_refusal(body), "cluster.size asks for 13 nodes; a cluster has 1 to 12");
  // Trove's schema takes counts as strings of digits too.
  body["cluster"]["size"] = "3";
  EXPECT_EQ(parse_cluster_create(body, kBounds).nodes.size(), 3u);
  body["cluster"]["size"] = "three";
  EXPECT_REFUSED(create_refusal(body), "cluster.size must be a node count");
}

TEST(ClusterCreateRequest, NodesShareOneVolumeSize) {
  json body = trove_body();
  body["cluster"]["instances"][1]["volume"]["size"] = 3;
  EXPECT_REFUSED(create_refusal(body),
                 "share one volume size: cluster.instances[1].volume.size is 3 but "
                 "cluster.instances[0].volume.size is 2");
}

TEST(ClusterCreateRequest, EachTroveInstanceNeedsFlavorAndVolume) {
  json body = trove_body();
  body["cluster"]["instances"][2].erase("flavorRef");
  EXPECT_REFUSED(create_refusal(body), "cluster.instances[2].flavorRef is required");
  body = trove_body();
  body["cluster"]["instances"][0].erase("volume");
  EXPECT_REFUSED(create_refusal(body), "cluster.instances[0].volume is required");
  body = trove_body();
  body["cluster"]["instances"][0]["volume"]["size"] = 101;
  EXPECT_REFUSED(create_refusal(body), "between 1 and 100 GB");
  body = trove_body();
  body["cluster"]["instances"][0]["availability_zone"] = "bad zone!";
  EXPECT_REFUSED(create_refusal(body),
                 "cluster.instances[0].availability_zone must be 1 to 255 characters");
  body = trove_body();
  body["cluster"]["instances"][0] = "node";
  EXPECT_REFUSED(create_refusal(body), "cluster.instances[0] must be an object");
}

TEST(ClusterCreateRequest, SeedFormNeedsClusterFlavorAndVolume) {
  json body = seed_body();
  body["cluster"].erase("flavorRef");
  EXPECT_REFUSED(create_refusal(body), "cluster.flavorRef is required");
  body = seed_body();
  body["cluster"].erase("volume");
  EXPECT_REFUSED(create_refusal(body), "cluster.volume is required");
  body = seed_body();
  body["cluster"]["nodes"][0]["region"] = "";
  EXPECT_REFUSED(create_refusal(body), "cluster.nodes[0].region");
}

TEST(ClusterCreateRequest, NameAndDatastoreRules) {
  EXPECT_REFUSED(create_refusal(json::array()),
                 "the request body must be an object like {\"cluster\"");
  EXPECT_REFUSED(create_refusal({{"instance", {}}}), "cluster is required");
  EXPECT_REFUSED(create_refusal({{"cluster", "x"}}), "cluster must be an object");
  json body = trove_body();
  body["cluster"].erase("name");
  EXPECT_REFUSED(create_refusal(body), "cluster.name is required");
  body["cluster"]["name"] = "  ";
  EXPECT_REFUSED(create_refusal(body), "cluster.name must not be empty");
  body["cluster"]["name"] = std::string(256, 'a');
  EXPECT_REFUSED(create_refusal(body), "at most 255 characters");
  body["cluster"]["name"] = "a\nb";
  EXPECT_REFUSED(create_refusal(body), "control characters");
  body = trove_body();
  body["cluster"].erase("datastore");
  EXPECT_REFUSED(create_refusal(body), "cluster.datastore is required");
  body = trove_body();
  body["cluster"]["datastore"].erase("type");
  EXPECT_REFUSED(create_refusal(body), "cluster.datastore.type is required");
  // Nulls where the parser reads a value read as missing, never as a crash.
  body["cluster"]["datastore"]["type"] = nullptr;
  EXPECT_REFUSED(create_refusal(body), "cluster.datastore.type is required");
  body["cluster"]["datastore"] = nullptr;
  EXPECT_REFUSED(create_refusal(body), "cluster.datastore is required");
  body = trove_body();
  body["cluster"]["name"] = nullptr;
  EXPECT_REFUSED(create_refusal(body), "cluster.name is required");
}

std::string action_refusal(const json& body) {
  return refusal([&] { parse_cluster_action(body, kBounds); });
}

TEST(ClusterActionRequest, GrowShrinkAndReplaceNode) {
  auto grow = parse_cluster_action(
      {{"grow", {{{"flavorRef", "2"}, {"availability_zone", "r3"}}, json::object()}}}, kBounds);
  EXPECT_EQ(grow.kind, ClusterActionKind::kGrow);
  ASSERT_EQ(grow.grow.size(), 2u);
  EXPECT_EQ(grow.grow[0].flavor_ref, "2");
  EXPECT_EQ(grow.grow[0].zone, "r3");
  EXPECT_FALSE(grow.grow[1].flavor_ref) << "the cluster's flavor";
  EXPECT_FALSE(grow.grow[1].volume_size_gb);

  auto shrink = parse_cluster_action({{"shrink", {{{"id", "a"}}, {{"id", "b"}}}}}, kBounds);
  EXPECT_EQ(shrink.kind, ClusterActionKind::kShrink);
  EXPECT_EQ(shrink.ids, (std::vector<std::string>{"a", "b"}));

  auto replace = parse_cluster_action({{"replace_node", {{"id", "n1"}}}}, kBounds);
  EXPECT_EQ(replace.kind, ClusterActionKind::kReplaceNode);
  EXPECT_EQ(replace.ids, std::vector<std::string>{"n1"});

  // Any other key is some datastore's own action: the handler asks the
  // cluster's datastore whether it has it.
  auto own = parse_cluster_action({{"restart", {{"by", "rack"}}}}, kBounds);
  EXPECT_EQ(own.kind, ClusterActionKind::kOwn);
  EXPECT_EQ(own.name, "restart");
  EXPECT_EQ(own.body, json({{"by", "rack"}}));
}

TEST(ClusterActionRequest, Refusals) {
  EXPECT_REFUSED(action_refusal(json::object()),
                 "the request body must hold exactly one of: cleanup, grow, replace_node, resize, "
                 "resize_volume, "
                 "restore, shrink");
  EXPECT_REFUSED(action_refusal({{"grow", {json::object()}}, {"shrink", {{{"id", "a"}}}}}),
                 "the request body must hold exactly one of: cleanup, grow, replace_node, resize, "
                 "resize_volume, "
                 "restore, shrink");
  EXPECT_REFUSED(action_refusal({{"cleanup", 5}}), "cleanup must be an object");
  EXPECT_REFUSED(action_refusal({{"grow", json::array()}}), "grow must list at least 1 item");
  EXPECT_REFUSED(action_refusal({{"grow", json::object()}}), "grow must be an array");
  EXPECT_REFUSED(action_refusal({{"grow", {{{"volume", {{"size", 0}}}}}}}),
                 "grow[0].volume.size must be a whole number from 1 up");
  EXPECT_REFUSED(action_refusal({{"grow", {{{"volume", {{"size", "101"}}}}}}}),
                 "grow[0].volume.size must be between 1 and 100 GB, got 101");
  EXPECT_REFUSED(
      action_refusal(
          {{"grow", json::array({json::object(), json::object(), json::object(), json::object(),
                                 json::object(), json::object(), json::object(), json::object(),
                                 json::object(), json::object(), json::object(), json::object(),
                                 json::object()})}}),
      "grow must list at most 12 items");
  EXPECT_REFUSED(action_refusal({{"shrink", json::array()}}), "shrink must list at least 1 item");
  EXPECT_REFUSED(action_refusal({{"shrink", {{{"name", "x"}}}}}), "shrink[0].id is required");
  EXPECT_REFUSED(action_refusal({{"shrink", {{{"id", "a"}}, {{"id", "a"}}}}}),
                 "shrink[1].id 'a' is listed twice");
  EXPECT_REFUSED(action_refusal({{"replace_node", json::object()}}), "replace_node.id is required");
  EXPECT_REFUSED(action_refusal({{"replace_node", "n1"}}), "replace_node must be an object");
}

std::string add_refusal(const json& body) {
  return refusal([&] { parse_add_nodes(body); });
}

TEST(AddNodesRequest, NumAndAllocations) {
  auto specs = parse_add_nodes({{"nodes", {{"num", 2}}}});
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_FALSE(specs[0].zone);
  specs = parse_add_nodes(
      {{"nodes", {{"num", 2}, {"allocations", {{{"region", "west"}}, {{"region", "east"}}}}}}});
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[1].zone, "east");
  specs = parse_add_nodes({{"nodes", {{"allocations", {{{"region", "west"}}}}}}});
  EXPECT_EQ(specs.size(), 1u);
}

TEST(AddNodesRequest, Refusals) {
  EXPECT_REFUSED(add_refusal({{"nodes", {{"num", 3}, {"allocations", {{{"region", "w"}}}}}}}),
                 "nodes.num is 3 but nodes.allocations lists 1");
  EXPECT_REFUSED(add_refusal({{"nodes", json::object()}}), "nodes.num or nodes.allocations");
  EXPECT_REFUSED(add_refusal({{"node", json::object()}}), "nodes is required");
  EXPECT_REFUSED(add_refusal({{"nodes", {{"num", 0}}}}),
                 "nodes.num must be a node count from 1 to 12");
  EXPECT_REFUSED(add_refusal({{"nodes", {{"num", 13}}}}),
                 "nodes.num must be a node count from 1 to 12");
  EXPECT_REFUSED(add_refusal({{"nodes", {{"num", "13"}}}}),
                 "nodes.num asks for 13 nodes; add 1 to 12 nodes");
  EXPECT_REFUSED(add_refusal({{"nodes", {{"allocations", json::array()}}}}),
                 "nodes.allocations must list at least 1 item");
  EXPECT_REFUSED(add_refusal({{"nodes", {{"allocations", {"west"}}}}}),
                 "nodes.allocations[0] must be an object");
  EXPECT_REFUSED(add_refusal({{"nodes", {{"num", "two"}}}}), "nodes.num must be a node count");
  EXPECT_EQ(parse_add_nodes({{"nodes", {{"num", "2"}}}}).size(), 2u);
}

}  // namespace
}  // namespace automat::api
