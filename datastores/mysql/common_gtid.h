#pragma once
// MariaDB GTID positions ("0-1-42,1-2-7"), shared by the guest (validating
// what reaches SQL) and the taskmanager (choosing the most advanced replica).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace automat::datastores::mysql {

struct GtidEntry {
  uint64_t domain = 0;
  uint64_t server = 0;
  uint64_t seq = 0;
};

// The entries of a GTID list as MariaDB prints it ("" is an empty list), or
// nullopt when it is malformed.
std::optional<std::vector<GtidEntry>> parse_gtid_list(const std::string& gtid);

// Throws common::Error(kBadRequest) unless `gtid` is "" or
// "D-S-N[,D-S-N...]" (decimal), at most 4096 characters.
void validate_gtid_list(const std::string& gtid);

// True when every domain of `wanted` is present in `have` with a sequence
// number at least as high, i.e. a server at `have` has applied `wanted`.
// Both must be valid GTID lists (else kBadRequest).
bool gtid_covers(const std::string& have, const std::string& wanted);

}  // namespace automat::datastores::mysql
