#include "datastores/cassandra/guest_cassandra_auth.h"

#include "common/error.h"
#include "common/log.h"
#include "datastores/cassandra/guest_cassandra_cql.h"

namespace automat::datastores::cassandra {
namespace {

using common::WaitClock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kAuthSyncTimeout = seconds(60);

// The replication map of system_auth as Cassandra reports it.
nlohmann::json auth_replication(cql::Session& session) {
  for (const auto& ks : list_keyspaces(session)) {
    if (ks["name"] == "system_auth") return ks;
  }
  throw common::internal_error("system_auth is missing from system_schema.keyspaces");
}

bool replication_matches(const nlohmann::json& ks, const std::map<std::string, int>& per_dc) {
  if (ks["class"] != "NetworkTopologyStrategy") return false;
  const auto& options = ks["replication"];
  if (options.size() != per_dc.size()) return false;
  for (const auto& [dc, rf] : per_dc) {
    if (!options.contains(dc) || options[dc] != std::to_string(rf)) return false;
  }
  return true;
}

// Runs `cql` at consistency ALL, retrying while the coordinator does not
// see every replica up yet (a ring that just started); answers its rows.
cql::ResultSet read_at_all(cql::Session& session, const std::string& cql, WaitClock& clock) {
  const auto deadline = clock.now() + kAuthSyncTimeout;
  for (;;) {
    try {
      return session.execute(cql, cql::Consistency::kAll);
    } catch (const common::Error& e) {
      if (e.code() != common::ErrorCode::kUnavailable || clock.now() >= deadline) throw;
    }
    clock.sleep_for(milliseconds(250));
  }
}

// Reads `role`'s rows of every role table at ALL: a replica that lacks them
// (written before system_auth had this replication) is repaired before the
// read returns, so every replica holds the role and a quorum read finds it.
void spread_role(cql::Session& session, const std::string& role, WaitClock& clock) {
  for (const char* table : {"roles", "role_members", "role_permissions"}) {
    read_at_all(session,
                std::string("SELECT * FROM system_auth.") + table +
                    " WHERE role = " + cql::quote_literal(role),
                clock);
  }
}

// system_auth replicated per_dc, and every role it holds on every replica.
// A fresh ring's default role was written while system_auth had one
// replica; reading it at ALL repairs the others (no nodetool repair: that is
// seconds of JMX and validation compactions for a handful of rows).
void replicate_system_auth(cql::Session& session, const std::vector<RingNode>& ring,
                           WaitClock& clock) {
  const auto per_dc = replication_per_dc(ring);
  if (!replication_matches(auth_replication(session), per_dc)) {
    session.execute("ALTER KEYSPACE system_auth WITH replication = " + network_replication(per_dc));
  }
  if (ring.size() < 2) return;
  const auto roles = read_at_all(session, "SELECT role FROM system_auth.roles", clock);
  const size_t column = roles.column("role");
  for (const auto& row : roles.rows) {
    if (row[column]) spread_role(session, *row[column], clock);
  }
}

// Whether `role` is still in system_auth.roles on any replica (read at ALL).
bool role_exists_anywhere(cql::Session& session, const std::string& role, WaitClock& clock) {
  return !read_at_all(session,
                      "SELECT role FROM system_auth.roles WHERE role = " + cql::quote_literal(role),
                      clock)
              .rows.empty();
}

// A session as `login`, or nullptr when the login is refused.
// A session, or nullptr when `login` is refused or the roles' replicas are
// not reachable yet (a ring that just started: the default role is read at
// QUORUM); the latter's message goes to `unavailable`.
std::unique_ptr<cql::Session> try_login(CassandraServer& server, const Credentials& login,
                                        std::string& unavailable) {
  try {
    return server.cql(login);
  } catch (const common::Error& e) {
    if (e.code() == common::ErrorCode::kUnauthorized) return nullptr;
    if (e.code() == common::ErrorCode::kUnavailable) {
      unavailable = e.what();
      return nullptr;
    }
    throw;
  }
}

}  // namespace

Credentials default_login() { return {"cassandra", "cassandra"}; }

std::map<std::string, int> replication_per_dc(const std::vector<RingNode>& ring) {
  std::map<std::string, int> per_dc;
  for (const auto& n : ring) per_dc[n.dc] = std::min(3, per_dc[n.dc] + 1);
  return per_dc;
}

std::unique_ptr<cql::Session> login_until(CassandraServer& server, const Credentials& login,
                                          milliseconds timeout, WaitClock& clock) {
  const auto deadline = clock.now() + timeout;
  for (;;) {
    try {
      return server.cql(login);
    } catch (const common::Error& e) {
      const bool retry = e.code() == common::ErrorCode::kUnavailable ||
                         e.code() == common::ErrorCode::kUnauthorized;
      if (!retry || clock.now() >= deadline) throw;
    }
    clock.sleep_for(milliseconds(500));
  }
}

void secure_ring(CassandraServer& server, const Credentials& admin,
                 const std::vector<RingNode>& ring, milliseconds login_timeout, WaitClock& clock) {
  validate_role_name(admin.username);
  validate_password(admin.password);
  const auto deadline = clock.now() + login_timeout;
  for (;;) {
    std::string unavailable;
    // The admin first: a dropped default role still logs in for a while
    // (Cassandra caches credentials), and could not create roles any more.
    if (auto session = try_login(server, admin, unavailable)) {  // secured before
      replicate_system_auth(*session, ring, clock);
      break;
    }
    if (auto session = try_login(server, default_login(), unavailable)) {
      replicate_system_auth(*session, ring, clock);
      upsert_role(*session, {admin.username, admin.password, true});
      if (ring.size() > 1) spread_role(*session, admin.username, clock);
      break;
    }
    if (clock.now() >= deadline) {
      if (!unavailable.empty()) {
        throw common::unavailable("cannot log in to secure the ring: " + unavailable);
      }
      throw common::conflict(
          "neither the default cassandra login nor the requested admin login is accepted; the "
          "ring was secured with other credentials");
    }
    clock.sleep_for(milliseconds(250));  // roles not set up or reachable yet
  }
  auto session = login_until(server, admin, login_timeout, clock);
  session->execute("DROP ROLE IF EXISTS cassandra");
  if (role_exists_anywhere(*session, default_login().username, clock)) {
    throw common::internal_error(
        "the default cassandra role is still on a replica of system_auth after DROP ROLE");
  }
  // A dropped role still logs in on this node until its credentials cache
  // lets go (credentials_validity, 2 s by default). Secured means refused,
  // so the node is not reported prepared (nor shown ACTIVE) before then.
  const auto refused_by = clock.now() + login_timeout;
  for (;;) {
    std::string unavailable;
    if (!try_login(server, default_login(), unavailable) && unavailable.empty()) break;
    if (clock.now() >= refused_by) {
      throw common::internal_error(
          "the default cassandra login is still accepted after its role was dropped");
    }
    clock.sleep_for(milliseconds(250));
  }
  common::log::info("cassandra.secured",
                    {{"admin", admin.username}, {"nodes", std::to_string(ring.size())}});
}

}  // namespace automat::datastores::cassandra
