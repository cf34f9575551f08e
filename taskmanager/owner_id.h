#pragma once
#include <string>

namespace automat::taskmanager {

// This process's identity as an operation owner: "hostname:pid:random".
// Unique per process start, so a restarted taskmanager is a new owner and
// resumes its old operations only once their leases lapsed.
std::string make_owner_id();

}  // namespace automat::taskmanager
