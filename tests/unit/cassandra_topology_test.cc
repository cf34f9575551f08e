// Seed placement (datastores/cassandra/common_topology.h): one seed per rack, at
// most three per DC, spread over racks, stable when recomputed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

#include "datastores/cassandra/common_topology.h"

namespace automat::datastores::cassandra {
namespace {

using Ids = std::vector<std::string>;

// Nodes n1..nN in `racks` (dc1 unless "dc:rack"); `seeds` are seeds now.
std::vector<SeedCandidate> ring(const std::vector<std::string>& racks, const Ids& seeds = {}) {
  std::vector<SeedCandidate> out;
  for (size_t k = 0; k < racks.size(); ++k) {
    SeedCandidate c;
    c.id = "n" + std::to_string(k + 1);
    const auto colon = racks[k].find(':');
    c.dc = colon == std::string::npos ? "dc1" : racks[k].substr(0, colon);
    c.rack = colon == std::string::npos ? racks[k] : racks[k].substr(colon + 1);
    c.seed = std::find(seeds.begin(), seeds.end(), c.id) != seeds.end();
    out.push_back(c);
  }
  return out;
}

// Checks the rules every placement must keep, whatever the input.
void expect_rules(const std::vector<SeedCandidate>& nodes, const Ids& seeds) {
  std::map<std::string, std::set<std::string>> racks_of_dc, seeded_racks_of_dc;
  std::map<std::string, size_t> seeds_in_dc;
  std::map<std::string, const SeedCandidate*> by_id;
  for (const auto& n : nodes) {
    racks_of_dc[n.dc].insert(n.rack);
    by_id[n.id] = &n;
  }
  for (const auto& id : seeds) {
    ASSERT_TRUE(by_id.count(id)) << id;
    seeded_racks_of_dc[by_id[id]->dc].insert(by_id[id]->rack);
    ++seeds_in_dc[by_id[id]->dc];
  }
  for (const auto& [dc, racks] : racks_of_dc) {
    EXPECT_LE(seeds_in_dc[dc], kMaxSeedsPerDc) << dc;
    EXPECT_EQ(seeded_racks_of_dc[dc].size(), std::min(racks.size(), kMaxSeedsPerDc))
        << dc << ": seeds must cover every rack, or three racks";
  }
}

TEST(CassandraSeeds, OnePerRackInNodeOrder) {
  const auto nodes = ring({"r1", "r2", "r1", "r2", "r3"});
  const Ids seeds = plan_seeds(nodes);
  EXPECT_EQ(seeds, (Ids{"n1", "n2", "n5"}));
  expect_rules(nodes, seeds);
}

TEST(CassandraSeeds, SingleRackHasOneSeed) {
  const auto nodes = ring({"rack1", "rack1", "rack1"});
  EXPECT_EQ(plan_seeds(nodes), (Ids{"n1"}));
  EXPECT_EQ(plan_seeds(ring({"rack1"})), (Ids{"n1"}));
  EXPECT_TRUE(plan_seeds({}).empty());
}

TEST(CassandraSeeds, AtMostThreePerDcSpreadOverDistinctRacks) {
  const auto nodes = ring({"r1", "r2", "r3", "r4", "r5", "r1"});
  const Ids seeds = plan_seeds(nodes);
  EXPECT_EQ(seeds, (Ids{"n1", "n2", "n3"}));
  expect_rules(nodes, seeds);
}

TEST(CassandraSeeds, EachDcIsPlacedOnItsOwn) {
  const auto nodes = ring({"dc1:a", "dc2:a", "dc1:b", "dc2:a", "dc1:c", "dc1:d", "dc2:b"});
  const Ids seeds = plan_seeds(nodes);
  EXPECT_EQ(seeds, (Ids{"n1", "n2", "n3", "n5", "n7"}));
  expect_rules(nodes, seeds);
}

TEST(CassandraSeeds, KeepsCurrentSeedsThatAreStillValid) {
  // n3 and n4 are the seeds of r1 and r2; the first nodes of those racks
  // would be chosen from scratch, but stability wins.
  const auto nodes = ring({"r1", "r2", "r1", "r2"}, {"n3", "n4"});
  EXPECT_EQ(plan_seeds(nodes), (Ids{"n3", "n4"}));
}

TEST(CassandraSeeds, GrowIntoANewRackAddsOneSeedThereAndMovesNoOther) {
  // Before: r1, r2 with seeds n2 (r1) and n3 (r2). Grow adds n5 in r3.
  const auto nodes = ring({"r1", "r1", "r2", "r2", "r3"}, {"n2", "n3"});
  const Ids seeds = plan_seeds(nodes);
  EXPECT_EQ(seeds, (Ids{"n2", "n3", "n5"}));
  expect_rules(nodes, seeds);
}

TEST(CassandraSeeds, ShrinkThatRemovedASeedPicksAnotherInItsRack) {
  // n1 (seed of r1) left; n4 (r2) stays the seed of r2.
  auto nodes = ring({"r1", "r2", "r1", "r2"}, {"n1", "n4"});
  nodes.erase(nodes.begin());
  const Ids seeds = plan_seeds(nodes);
  EXPECT_EQ(seeds, (Ids{"n3", "n4"}));
  expect_rules(nodes, seeds);
}

TEST(CassandraSeeds, ExtraSeedsInOneRackGiveWayToUnseededRacks) {
  // Three seeds all in r1 (e.g. set by an older policy) while r2 and r3
  // have none: spread wins over stability, keeping r1's first seed.
  const auto nodes = ring({"r1", "r1", "r1", "r2", "r3"}, {"n1", "n2", "n3"});
  const Ids seeds = plan_seeds(nodes);
  EXPECT_EQ(seeds, (Ids{"n1", "n4", "n5"}));
  expect_rules(nodes, seeds);
}

TEST(CassandraSeeds, ExtraSeedsAreKeptWhileThereIsRoom) {
  const auto nodes = ring({"r1", "r1", "r2"}, {"n1", "n2"});
  EXPECT_EQ(plan_seeds(nodes), (Ids{"n1", "n2", "n3"}));
}

TEST(CassandraSeeds, WithMoreThanThreeRacksKeepsSeededRacks) {
  // Seeds sit in r4 and r5; with five racks only three get one: the two
  // seeded racks keep theirs and r1 (first unseeded) gets the third.
  const auto nodes = ring({"r1", "r2", "r3", "r4", "r5"}, {"n4", "n5"});
  const Ids seeds = plan_seeds(nodes);
  EXPECT_EQ(seeds, (Ids{"n1", "n4", "n5"}));
  expect_rules(nodes, seeds);
}

TEST(CassandraSeeds, RecomputingIsAFixedPoint) {
  for (const auto& racks : std::vector<std::vector<std::string>>{
           {"r1", "r2", "r3", "r1", "r2", "r3"}, {"a", "a", "b"}, {"x", "y", "z", "w", "v"}}) {
    auto nodes = ring(racks);
    const Ids first = plan_seeds(nodes);
    for (auto& n : nodes) n.seed = std::find(first.begin(), first.end(), n.id) != first.end();
    EXPECT_EQ(plan_seeds(nodes), first);
  }
}

TEST(CassandraStartOrder, SeedsFirstThenTheOthersInNodeOrder) {
  const auto nodes = ring({"r1", "r2", "r1", "r2", "r3"});
  EXPECT_EQ(start_order(nodes, {"n2", "n5"}), (Ids{"n2", "n5", "n1", "n3", "n4"}));
  EXPECT_EQ(start_order(nodes, {}), (Ids{"n1", "n2", "n3", "n4", "n5"}));
}

TEST(NewRingTokens, EveryNodeGetsItsOwnEvenlyDealtTokens) {
  std::vector<int64_t> all;
  for (size_t i = 0; i < 3; ++i) {
    const auto tokens = new_ring_tokens(i, 3);
    ASSERT_EQ(tokens.size(), static_cast<size_t>(kNumTokens));
    all.insert(all.end(), tokens.begin(), tokens.end());
  }
  EXPECT_EQ(new_ring_tokens(0, 3).front(), std::numeric_limits<int64_t>::min());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a token is shared";
  // Equal spacing over the whole Murmur3 range, dealt round-robin.
  const auto gap = static_cast<__int128>(all[1]) - all[0];
  for (size_t k = 1; k < all.size(); ++k) {
    EXPECT_LE(std::abs(static_cast<int64_t>(static_cast<__int128>(all[k]) - all[k - 1] - gap)), 1)
        << k;
  }
  const auto last_gap = static_cast<__int128>(std::numeric_limits<int64_t>::max()) - all.back() + 1;
  EXPECT_LE(std::abs(static_cast<int64_t>(last_gap - gap)), 1);
  EXPECT_EQ(new_ring_tokens(1, 3)[0], all[1]);
  EXPECT_EQ(new_ring_tokens(0, 3)[1], all[3]);
  EXPECT_TRUE(new_ring_tokens(3, 3).empty());
  EXPECT_EQ(new_ring_tokens(0, 1).size(), static_cast<size_t>(kNumTokens));
}

}  // namespace
}  // namespace automat::datastores::cassandra
