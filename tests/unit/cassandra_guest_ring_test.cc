// `nodetool status` parsing on output captured from real Cassandra 5.0.9
// rings on this machine (tests/unit/data/cassandra/), and nodetool errors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_ring.h"

namespace automat::datastores::cassandra {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream f(std::string(AUTOMAT_CASSANDRA_FIXTURES) + "/" + name);
  EXPECT_TRUE(f) << name;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int64_t kib(double v) { return static_cast<int64_t>(v * 1024 + 0.5); }
int64_t mib(double v) { return static_cast<int64_t>(v * 1024 * 1024 + 0.5); }

TEST(NodetoolStatus, TwoRacksBothNormal) {
  const auto ring = parse_nodetool_status(fixture("status_un_two_racks.txt"));
  ASSERT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring[0], (RingNode{"127.32.0.11", "UN", "rack1", "dc1", mib(3.18),
                               "96b77901-d3cd-42c4-a28d-eb093760dd4d"}));
  EXPECT_EQ(ring[1], (RingNode{"127.32.0.12", "UN", "rack2", "dc1", kib(72.84),
                               "7cd736f0-c204-4c10-a0de-b69c22ceb530"}));
}

TEST(NodetoolStatus, JoiningNodeWithUnknownOwnership) {
  const auto ring = parse_nodetool_status(fixture("status_uj.txt"));
  ASSERT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring[1].state, "UJ");
  EXPECT_EQ(ring[1].rack, "rack2");
  EXPECT_EQ(ring[1].host_id, "7cd736f0-c204-4c10-a0de-b69c22ceb530");
  EXPECT_EQ(ring[1].load_bytes, kib(72.84));
}

TEST(NodetoolStatus, LeavingNode) {
  const auto ring = parse_nodetool_status(fixture("status_ul.txt"));
  ASSERT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring[0].state, "UN");
  EXPECT_EQ(ring[1].state, "UL");
  EXPECT_EQ(ring[1].address, "127.32.0.12");
}

TEST(NodetoolStatus, DatacenterBlocksAndADownNode) {
  const auto ring = parse_nodetool_status(fixture("status_dn.txt"));
  ASSERT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring[0].dc, "dc1");
  EXPECT_EQ(ring[0].state, "UN");
  EXPECT_EQ(ring[1].dc, "dc2");
  EXPECT_EQ(ring[1].state, "DN");
  EXPECT_EQ(ring[1].rack, "rack2");
  EXPECT_EQ(ring[1].load_bytes, kib(91.1));
}

TEST(NodetoolStatus, UnknownLoadIsNull) {
  const auto ring = parse_nodetool_status(fixture("status_dn_unknown_load.txt"));
  ASSERT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring[1].state, "DN");
  EXPECT_EQ(ring[1].load_bytes, std::nullopt);
  EXPECT_EQ(ring[1].host_id, "99c55a42-17be-42a3-818b-d5a1795b02fe");
  EXPECT_EQ(ring[1].rack, "rack2");
  const auto reply = ring_reply(ring);
  EXPECT_FALSE(reply.nodes(1).has_load_bytes());
  EXPECT_EQ(reply.nodes(0).load_bytes(), mib(3.21));
}

TEST(NodetoolStatus, SkipsNoiseAroundTheTable) {
  const std::string noisy = "WARNING: A terminally deprecated method was called\n" +
                            fixture("status_two_dcs.txt") +
                            "\nNote: Non-system keyspaces don't have the same replication "
                            "settings, effective ownership information is meaningless\n";
  const auto ring = parse_nodetool_status(noisy);
  ASSERT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring[1].dc, "dc2");
}

TEST(NodetoolStatus, NoNodeRowIsAnError) {
  EXPECT_THROW(parse_nodetool_status(fixture("connect_refused.txt")), common::Error);
  EXPECT_THROW(parse_nodetool_status(""), common::Error);
}

TEST(NodetoolStatus, RingAsTheContractCarriesIt) {
  const auto reply = ring_reply(parse_nodetool_status(fixture("status_un_two_racks.txt")));
  ASSERT_EQ(reply.nodes_size(), 2);
  const auto& n = reply.nodes(1);
  EXPECT_EQ(n.address(), "127.32.0.12");
  EXPECT_EQ(n.state(), "UN");
  EXPECT_EQ(n.rack(), "rack2");
  EXPECT_EQ(n.dc(), "dc1");
  EXPECT_EQ(n.load_bytes(), kib(72.84));
  EXPECT_EQ(n.host_id(), "7cd736f0-c204-4c10-a0de-b69c22ceb530");
}

TEST(NodetoolSize, Units) {
  EXPECT_EQ(parse_size("0", "bytes"), 0);
  EXPECT_EQ(parse_size("512", "bytes"), 512);
  EXPECT_EQ(parse_size("114.85", "KiB"), 117606);
  EXPECT_EQ(parse_size("1", "MiB"), 1048576);
  EXPECT_EQ(parse_size("2.5", "GiB"), 2684354560LL);
  EXPECT_EQ(parse_size("1", "TiB"), 1099511627776LL);
  EXPECT_EQ(parse_size("1,5", "KiB"), 1536);  // decimal comma locale
  EXPECT_EQ(parse_size("?", "KiB"), std::nullopt);
  EXPECT_EQ(parse_size("12", "parsecs"), std::nullopt);
  EXPECT_EQ(parse_size("1.2.3", "KiB"), std::nullopt);
}

TEST(NodetoolError, UnsupportedOperationWithoutTheHelpHint) {
  EXPECT_EQ(nodetool_error_message(fixture("decommission_refused.txt")),
            "Unsupported operation: Not enough live nodes to maintain replication factor in "
            "keyspace cap (RF = 2, N = 2). Perform a forceful decommission to ignore.");
}

TEST(NodetoolError, ErrorLineWithoutTheStackTrace) {
  EXPECT_EQ(nodetool_error_message(fixture("removenode_unknown.txt")), "Host ID not found.");
}

TEST(NodetoolError, ConnectionRefused) {
  EXPECT_EQ(nodetool_error_message(fixture("connect_refused.txt")),
            "Failed to connect to '127.0.0.1:17099' - ConnectException: 'Connection refused'.");
}

TEST(NodetoolError, UnknownShapeKeepsTheLastLines) {
  EXPECT_EQ(nodetool_error_message("a\nb\nc\nd\ne\nf\n"), "b\nc\nd\ne\nf");
}

}  // namespace
}  // namespace automat::datastores::cassandra
