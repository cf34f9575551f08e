#pragma once
// Securing a ring through one of its nodes: system_auth replicated across
// the ring and an admin superuser in place of the default
// cassandra/cassandra (root is guest_cassandra_admin.h's). Each step
// observes before it acts, so a
// retry after a crash at any point completes the work.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/wait_clock.h"
#include "datastores/cassandra/guest_cassandra_ring.h"
#include "datastores/cassandra/guest_cassandra_server.h"

namespace automat::datastores::cassandra {

// The login Cassandra creates on a fresh ring (dropped by secure_ring).
Credentials default_login();

// Per datacenter: min(3, nodes of the ring in that dc).
std::map<std::string, int> replication_per_dc(const std::vector<RingNode>& ring);

// Logs in to `server` as `login`, retrying while the node is not answering
// or refuses the login (a just-created role, roles not set up yet) until
// `timeout` passed on `clock` (which paces the retries too); then rethrows
// the last error.
std::unique_ptr<cql::Session> login_until(CassandraServer& server, const Credentials& login,
                                          std::chrono::milliseconds timeout,
                                          common::WaitClock& clock = common::steady_wait_clock());

// Makes `admin` the ring's only superuser login, through `server`:
// system_auth to NetworkTopologyStrategy per replication_per_dc(ring), every
// existing role read at consistency ALL (read repair puts it on every new
// replica), CREATE ROLE admin SUPERUSER LOGIN (read back at ALL), log in as
// admin, DROP ROLE cassandra, and the cassandra row checked gone at ALL.
// Already done (cassandra refused, admin accepted) -> only the replication
// is re-applied. Throws common::Error(kBadRequest) for an invalid admin,
// kConflict when neither login is accepted within `login_timeout`. Its
// waits and retries run on `clock`.
inline constexpr std::chrono::milliseconds kLoginTimeout{60000};
void secure_ring(CassandraServer& server, const Credentials& admin,
                 const std::vector<RingNode>& ring,
                 std::chrono::milliseconds login_timeout = kLoginTimeout,
                 common::WaitClock& clock = common::steady_wait_clock());

}  // namespace automat::datastores::cassandra
