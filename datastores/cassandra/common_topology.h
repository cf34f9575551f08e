#pragma once
// Where a Cassandra ring's seeds go, and the order a new ring starts in.
// Pure functions (no I/O): the API places the seeds of a new cluster; the
// taskmanager recomputes them after a grow, shrink or replace.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace automat::datastores::cassandra {

// A ring member as seed placement sees it.
struct SeedCandidate {
  std::string id;  // the node's instance id
  std::string dc;
  std::string rack;
  bool seed = false;  // whether it is a seed now
};

inline constexpr size_t kMaxSeedsPerDc = 3;

// The ids of the seeds for a ring made of `nodes`, in the order of `nodes`
// (pass them oldest first: ties go to earlier nodes). Per DC:
//  - one seed in each rack, at most kMaxSeedsPerDc seeds; when a DC has more
//    racks than that, its seeds sit in kMaxSeedsPerDc different racks;
//  - stable: a node that is a seed stays one while its rack needs one and
//    the DC has room, so recomputing after a grow or shrink moves as few
//    seeds as the rules allow. Extra current seeds in an already seeded rack
//    are kept while the DC has room left after every rack got its seed.
// Empty `nodes` gives no seeds; ids are returned once each.
std::vector<std::string> plan_seeds(const std::vector<SeedCandidate>& nodes);

// The ids of `nodes` in the order a brand-new ring starts them: the seeds
// (members of `seeds`) first, then the others, each group in `nodes` order.
std::vector<std::string> start_order(const std::vector<SeedCandidate>& nodes,
                                     const std::vector<std::string>& seeds);

// Tokens (vnodes) each node owns.
inline constexpr int kNumTokens = 16;

// The initial tokens of node `index` (0-based) of a brand-new ring of
// `nodes` nodes: the Murmur3 range cut into nodes * kNumTokens equal parts,
// dealt round-robin, so the ring is balanced and no two nodes share a token.
// Given to the nodes of a new ring instead of the token allocator, which is
// deterministic: nodes that start together from the same view of the ring
// would allocate the same tokens. Empty when index >= nodes.
std::vector<int64_t> new_ring_tokens(size_t index, size_t nodes);

}  // namespace automat::datastores::cassandra
