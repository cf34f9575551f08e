// Cassandra node settings (PrepareSettings as the workflow sends them, and
// the JSON of the node's record), cassandra.yaml and rackdc rendering.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_config.h"
#include "datastores/cassandra/guest_cassandra_settings.h"

namespace automat::datastores::cassandra {
namespace {

const CassandraLayout kLayout = CassandraLayout::under("/srv/automat/instances/n1");

NodeSettings cluster_node() {
  return parse_node_settings(
      R"({"cluster_name": "ring one", "seeds": ["127.32.0.1", "127.32.0.2"],
          "rack": "az-2", "dc": "dc1", "auto_bootstrap": false})",
      "127.32.0.3");
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// Packed as PrepareRequest.settings.
google::protobuf::Any packed(const proto::cassandra::PrepareSettings& settings) {
  google::protobuf::Any any;
  any.PackFrom(settings);
  return any;
}

TEST(CassandraSettings, ReadsEveryFieldOfThePackedSettings) {
  proto::cassandra::PrepareSettings p;
  p.set_cluster_name("c1");
  p.add_seeds("127.32.0.1");
  p.set_rack("r2");
  p.set_dc("dc9");
  p.set_auto_bootstrap(false);
  p.set_racks(2);
  for (int64_t t = 1; t <= 16; ++t) p.add_initial_tokens(t * 1000);
  const NodeSettings s = node_settings(packed(p), "127.32.0.5");
  EXPECT_EQ(s.cluster_name, "c1");
  EXPECT_EQ(s.seeds, std::vector<std::string>{"127.32.0.1"});
  EXPECT_EQ(s.rack, "r2");
  EXPECT_EQ(s.dc, "dc9");
  EXPECT_FALSE(s.auto_bootstrap);
  EXPECT_EQ(s.racks, 2);
  ASSERT_EQ(s.initial_tokens.size(), 16u);
  EXPECT_EQ(s.initial_tokens[15], 16000);
  EXPECT_FALSE(s.standalone);
  // What the node keeps in its record reads back the same.
  EXPECT_EQ(parse_node_settings(settings_to_json(s), "127.32.0.5"), s);
}

TEST(CassandraSettings, PackedSettingsDefaultAndAreCheckedAsTheRecordIs) {
  proto::cassandra::PrepareSettings standalone;
  standalone.set_standalone(true);
  const NodeSettings s = node_settings(packed(standalone), "127.32.0.5");
  EXPECT_EQ(s.seeds, std::vector<std::string>{"127.32.0.5"});
  EXPECT_EQ(s.cluster_name, "automat");
  EXPECT_EQ(s.rack, "rack1");
  EXPECT_EQ(s.dc, "dc1");
  EXPECT_TRUE(s.auto_bootstrap);

  proto::cassandra::PrepareSettings bad;
  bad.set_cluster_name("c1");
  try {
    node_settings(packed(bad), "127.32.0.5");
    FAIL() << "no seeds accepted";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("settings.seeds"), std::string::npos) << e.what();
  }
  bad.add_seeds("127.32.0.1");
  bad.set_racks(0);
  EXPECT_THROW(node_settings(packed(bad), "127.32.0.5"), common::Error);
  bad.clear_racks();
  bad.set_auto_bootstrap(false);
  bad.add_initial_tokens(1);  // not 16
  EXPECT_THROW(node_settings(packed(bad), "127.32.0.5"), common::Error);
}

TEST(CassandraSettings, MissingOrForeignSettingsAreABadRequest) {
  for (const google::protobuf::Any& any : {google::protobuf::Any(), packed({}), [] {
                                             google::protobuf::Any other;
                                             other.PackFrom(proto::cassandra::Credentials());
                                             return other;
                                           }()}) {
    try {
      node_settings(any, "127.32.0.5");
      ADD_FAILURE() << "accepted " << any.type_url();
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << any.type_url();
    }
  }
}

TEST(CassandraSettings, ParsesEveryField) {
  const NodeSettings s = parse_node_settings(
      R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "rack": "r2", "dc": "dc9",
          "auto_bootstrap": true, "replace_address": "127.32.0.9", "standalone": false})",
      "127.32.0.5");
  EXPECT_EQ(s.cluster_name, "c1");
  EXPECT_EQ(s.seeds, std::vector<std::string>{"127.32.0.1"});
  EXPECT_EQ(s.rack, "r2");
  EXPECT_EQ(s.dc, "dc9");
  EXPECT_TRUE(s.auto_bootstrap);
  EXPECT_EQ(s.replace_address, "127.32.0.9");
  EXPECT_FALSE(s.standalone);
}

TEST(CassandraSettings, DefaultsRackDcAndBootstrap) {
  const NodeSettings s =
      parse_node_settings(R"({"cluster_name": "c1", "seeds": ["127.32.0.1"]})", "127.32.0.5");
  EXPECT_EQ(s.rack, "rack1");
  EXPECT_EQ(s.dc, "dc1");
  EXPECT_TRUE(s.auto_bootstrap);
  EXPECT_TRUE(s.replace_address.empty());
  EXPECT_FALSE(s.standalone);
}

TEST(CassandraSettings, StandaloneSeedsItselfAndNamesTheCluster) {
  const NodeSettings s = parse_node_settings(R"({"standalone": true})", "127.32.0.5");
  EXPECT_TRUE(s.standalone);
  EXPECT_EQ(s.seeds, std::vector<std::string>{"127.32.0.5"});
  EXPECT_EQ(s.cluster_name, "automat");
}

TEST(CassandraSettings, ClusterNodeNeedsSeedsAndName) {
  try {
    parse_node_settings(R"({"cluster_name": "c1"})", "127.32.0.5");
    FAIL() << "no seeds accepted";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("seeds"), std::string::npos);
  }
  EXPECT_THROW(parse_node_settings(R"({"seeds": ["127.32.0.1"]})", "127.32.0.5"), common::Error);
  EXPECT_THROW(parse_node_settings("", "127.32.0.5"), common::Error);
}

TEST(CassandraSettings, RejectsBadValues) {
  const std::string a = "127.32.0.5";
  for (const char* bad : {
           R"([1, 2])",
           R"({"cluster_name": "c1", "seeds": ["not-an-ip"]})",
           R"({"cluster_name": "c1", "seeds": "127.32.0.1"})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1", "127.32.0.1"]})",
           R"({"cluster_name": "c\"1", "seeds": ["127.32.0.1"]})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "rack": "r 1"})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "dc": "dc=1"})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "auto_bootstrap": "yes"})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "replace_address": "x"})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "replace_address": "127.32.0.4",
               "auto_bootstrap": false})",
           // initial_tokens: 16 distinct integers, and only for a new ring's node
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "auto_bootstrap": false,
               "initial_tokens": [1, 2, 3]})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "auto_bootstrap": false,
               "initial_tokens": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,15]})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "auto_bootstrap": false,
               "initial_tokens": ["1","2","3","4","5","6","7","8","9","10","11","12","13","14",
                                  "15","16"]})",
           R"({"cluster_name": "c1", "seeds": ["127.32.0.1"], "auto_bootstrap": true,
               "initial_tokens": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]})",
       }) {
    try {
      parse_node_settings(bad, a);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << bad;
    }
  }
}

TEST(CassandraSettings, RoundTripsThroughJson) {
  NodeSettings s = cluster_node();
  s.replace_address = "127.32.0.7";
  s.auto_bootstrap = true;
  EXPECT_EQ(parse_node_settings(settings_to_json(s), ""), s);
}

TEST(CassandraYaml, BindsTheNodeAddressAndListsSeeds) {
  const std::string y = render_cassandra_yaml(cluster_node(), "127.32.0.3", kLayout);
  EXPECT_TRUE(has_line(y, "cluster_name: \"ring one\""));
  EXPECT_TRUE(has_line(y, "listen_address: 127.32.0.3"));
  EXPECT_TRUE(has_line(y, "rpc_address: 127.32.0.3"));
  EXPECT_TRUE(has_line(y, "      - seeds: \"127.32.0.1:7000,127.32.0.2:7000\""));
  EXPECT_TRUE(has_line(y, "auto_bootstrap: false"));
  EXPECT_TRUE(has_line(y, "storage_port: 7000"));
  EXPECT_TRUE(has_line(y, "native_transport_port: 9042"));
}

TEST(CassandraYaml, SnitchAuthTokensAndSnapshots) {
  const std::string y = render_cassandra_yaml(cluster_node(), "127.32.0.3", kLayout);
  EXPECT_TRUE(has_line(y, "endpoint_snitch: GossipingPropertyFileSnitch"));
  EXPECT_TRUE(has_line(y, "authenticator: PasswordAuthenticator"));
  EXPECT_TRUE(has_line(y, "authorizer: CassandraAuthorizer"));
  EXPECT_TRUE(has_line(y, "num_tokens: 16"));
  EXPECT_TRUE(has_line(y, "allocate_tokens_for_local_replication_factor: 3"));
  EXPECT_TRUE(has_line(y, "auto_snapshot: false"));
  EXPECT_TRUE(has_line(y, "commitlog_sync_period: 10000ms"));
}

TEST(CassandraYaml, TokenAllocationFollowsTheRackCount) {
  // Two racks cannot hold RF 3 in the allocator ("number of racks 2 ... is
  // lower than its replication factor 3"): a joining node would fail.
  for (const auto& [racks, rf] :
       {std::pair{1, 3}, std::pair{2, 2}, std::pair{3, 3}, std::pair{5, 3}}) {
    NodeSettings s = cluster_node();
    s.racks = racks;
    EXPECT_TRUE(has_line(render_cassandra_yaml(s, "127.32.0.3", kLayout),
                         "allocate_tokens_for_local_replication_factor: " + std::to_string(rf)))
        << racks << " racks";
  }
  EXPECT_EQ(parse_node_settings(R"({"cluster_name": "c", "seeds": ["127.32.0.1"], "racks": 2})",
                                "127.32.0.3")
                .racks,
            2);
  EXPECT_THROW(parse_node_settings(R"({"cluster_name": "c", "seeds": ["127.32.0.1"], "racks": 0})",
                                   "127.32.0.3"),
               common::Error);
}

TEST(CassandraYaml, ANewRingsNodeStartsWithItsOwnTokensInsteadOfTheAllocator) {
  const NodeSettings s = parse_node_settings(
      R"({"cluster_name": "c", "seeds": ["127.32.0.1"], "auto_bootstrap": false,
          "initial_tokens": [-9223372036854775808,-2,3,4,5,6,7,8,9,10,11,12,13,14,15,
                             9223372036854775807]})",
      "127.32.0.3");
  ASSERT_EQ(s.initial_tokens.size(), 16u);
  EXPECT_EQ(parse_node_settings(settings_to_json(s), "127.32.0.3"), s);
  const std::string y = render_cassandra_yaml(s, "127.32.0.3", kLayout);
  EXPECT_TRUE(has_line(y,
                       "initial_token: \"-9223372036854775808,-2,3,4,5,6,7,8,9,10,11,12,13,14,"
                       "15,9223372036854775807\""));
  EXPECT_TRUE(has_line(y, "num_tokens: 16"));
  EXPECT_EQ(y.find("allocate_tokens_for_local_replication_factor"), std::string::npos);
}

TEST(CassandraYaml, EveryDirectoryIsUnderTheLayout) {
  const std::string y = render_cassandra_yaml(cluster_node(), "127.32.0.3", kLayout);
  const std::string root = "/srv/automat/instances/n1/cassandra";
  EXPECT_TRUE(has_line(y, "  - \"" + root + "/data\""));
  EXPECT_TRUE(has_line(y, "commitlog_directory: \"" + root + "/commitlog\""));
  EXPECT_TRUE(has_line(y, "saved_caches_directory: \"" + root + "/saved_caches\""));
  EXPECT_TRUE(has_line(y, "hints_directory: \"" + root + "/hints\""));
  EXPECT_TRUE(has_line(y, "cdc_raw_directory: \"" + root + "/cdc_raw\""));
}

TEST(CassandraYaml, RefusesAPathItCannotQuote) {
  const CassandraLayout odd = CassandraLayout::under("/srv/a\"b");
  EXPECT_THROW(render_cassandra_yaml(cluster_node(), "127.32.0.3", odd), common::Error);
}

TEST(CassandraRackdc, NamesDcAndRack) {
  const std::string p = render_rackdc(cluster_node());
  EXPECT_TRUE(has_line(p, "dc=dc1"));
  EXPECT_TRUE(has_line(p, "rack=az-2"));
}

TEST(CassandraLayout, KeepsEverythingUnderCassandra) {
  const CassandraLayout l = CassandraLayout::under("/x/inst/");
  EXPECT_EQ(l.root, "/x/inst/cassandra");
  EXPECT_EQ(l.config, "/x/inst/cassandra/cassandra.yaml");
  EXPECT_EQ(l.credentials, "/x/inst/cassandra/credentials");
  EXPECT_EQ(l.pid_file, "/x/inst/cassandra/cassandra.pid");
  EXPECT_EQ(l.directories().size(), 8u);
}

}  // namespace
}  // namespace automat::datastores::cassandra
