#pragma once
// The CQL a Cassandra guest runs: keyspaces and login roles from a
// PrepareRequest, superusers, and the keyspace listing. Every name is
// checked against an allow-list and quoted, every literal escaped, before it
// reaches CQL text; passwords are carried beside the text so that an error
// echoing a statement can be redacted.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "automat/guest.pb.h"
#include "common/wait_clock.h"
#include "datastores/cassandra/cassandra_guest.pb.h"
#include "datastores/cassandra/common_cql_client.h"
#include "datastores/cassandra/common_system_keyspaces.h"

namespace automat::datastores::cassandra {

// The admin login a standalone node creates for itself.
inline constexpr const char* kStandaloneAdmin = "automat_admin";

struct CqlStatement {
  std::string text;
  std::vector<std::string> secrets;
};
using CqlScript = std::vector<CqlStatement>;

// Each throws common::Error(kBadRequest) naming the offending value.
// Keyspace: [A-Za-z0-9_], 1..48 chars, not a system keyspace.
void validate_keyspace_name(const std::string& name);
// Role: [A-Za-z0-9_.@-], 1..64 chars, not "cassandra" or "root".
void validate_role_name(const std::string& name);
// A user's role: a role name that is also not `kStandaloneAdmin` nor `admin`
// (the admin login of this ring, when known): a user must never overwrite it.
void validate_user_name(const std::string& name, const std::string& admin = "");
// Password: 1..256 chars, no NUL.
void validate_password(const std::string& password);

// A replication map literal: {'class': 'SimpleStrategy', 'replication_factor': N}.
std::string simple_replication(int replication_factor);
// {'class': 'NetworkTopologyStrategy', 'dc1': N, ...}; `per_dc` must not be empty.
std::string network_replication(const std::map<std::string, int>& per_dc);

// Validates every database and user of `req` (users need a known name; a
// password is optional on a re-apply, where the taskmanager has removed it);
// `admin` as for validate_user_name.
void validate_keyspaces_and_users(const proto::PrepareRequest& req, const std::string& admin = "");

// A login role to create, or to bring to this password (when given) if it exists.
struct RoleSpec {
  std::string name;
  std::string password;  // empty: leave an existing role's password alone
  bool superuser = false;
};
// CREATE ROLE IF NOT EXISTS with PASSWORD (when given), LOGIN and, for a
// superuser, SUPERUSER.
CqlStatement create_role_cql(const RoleSpec& role);
// ALTER ROLE with the same options.
CqlStatement alter_role_cql(const RoleSpec& role);
// Runs `change` (an ALTER ROLE that sets a password). Cassandra refuses a
// password change within 5 s of the last one ("can only be changed every
// 5000ms"): it is run again every second on `clock` for up to 15 s.
void change_password(cql::Session& session, const CqlStatement& change,
                     common::WaitClock& clock = common::steady_wait_clock());
// Creates the role when system_auth.roles (read at LOCAL_QUORUM) lacks it,
// else alters it (change_password). Only a new role is created, so a fresh
// one is never altered.
void upsert_role(cql::Session& session, const RoleSpec& role);

// What a PrepareRequest asks of a node, in the order it must run.
struct KeyspacePlan {
  CqlScript keyspaces;          // CREATE KEYSPACE IF NOT EXISTS each database
  std::vector<RoleSpec> roles;  // each user, a login role
  CqlScript grants;             // GRANT ALL PERMISSIONS ON KEYSPACE per user database
};
// Validates first (`admin` as for validate_user_name). Idempotent when
// applied twice.
KeyspacePlan keyspaces_and_users_plan(const proto::PrepareRequest& req,
                                      const std::string& replication,
                                      const std::string& admin = "");
// Keyspaces, then roles (upsert_role), then grants.
void apply_plan(cql::Session& session, const KeyspacePlan& plan);

// Runs each statement in order. Errors keep their code; their message has
// every secret replaced by "***".
void run_script(cql::Session& session, const CqlScript& script);
// `text` with every occurrence of each non-empty secret replaced by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

// Every keyspace of system_schema.keyspaces, sorted by name: its short
// strategy class (e.g. "NetworkTopologyStrategy") and its replication
// options as text, without "class".
proto::cassandra::KeyspaceList keyspace_list(cql::Session& session);
// keyspace_list as [{"name", "class", "replication": {option: value}}].
nlohmann::json list_keyspaces(cql::Session& session);

}  // namespace automat::datastores::cassandra
