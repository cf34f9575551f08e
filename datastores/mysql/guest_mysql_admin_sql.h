#pragma once
// The SQL a MySQL guest runs as root for database administration (Trove's
// databases, users and root), and the reading of its answers. Names are
// validated (guest_mysql_sql.h) before they reach any of these; passwords
// travel in SqlScript::secrets so an error echoing the text is redacted.
#include <string>
#include <vector>

#include "automat/database_admin.pb.h"
#include "common/error.h"
#include "datastores/mysql/guest_mysql_sql.h"

namespace automat::datastores::mysql {

// The host of an account when none is given.
inline constexpr const char* kAnyHost = "%";

// mysql, information_schema, performance_schema, sys and the "#mysql50#"
// names MariaDB gives foreign directories (lost+found on a fresh volume).
bool is_system_database(const std::string& name);
// root, mysql, mariadb.sys, PUBLIC, the anonymous account and every
// account of the control plane ("automat_" prefix: replication).
bool is_system_account(const std::string& name);

// Throws common::Error(kBadRequest): validate_database_name, and system
// databases are reserved.
void validate_admin_database(const std::string& name);
// Throws common::Error(kBadRequest): validate_user_name and validate_host,
// and system accounts are reserved. An empty host means kAnyHost.
void validate_admin_account(const std::string& name, const std::string& host);

// 'name'@'host', quoted (host "" = kAnyHost).
std::string account_sql(const std::string& name, const std::string& host);

// Columns SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME.
SqlScript list_databases_sql();
// Columns User, Host (accounts, not roles).
SqlScript list_accounts_sql();
// Columns User, Host, Db: the database-level grants (Db as a GRANT pattern).
SqlScript list_database_grants_sql();
// Column read_only: 1 on a replica.
SqlScript read_only_sql();
// Column n: 1 when 'root'@'%' exists.
SqlScript root_account_sql();

// A GRANT pattern from mysql.db as the database name it matches ("a\_b" -> "a_b").
std::string database_from_grant(const std::string& pattern);

SqlScript create_databases_sql(const std::vector<proto::Database>& databases);
SqlScript drop_database_sql(const std::string& name);
// CREATE USER with the password, then GRANT ALL on each of its databases.
SqlScript create_user_sql(const proto::NewUser& user);
SqlScript drop_user_sql(const std::string& name, const std::string& host);
SqlScript rename_user_sql(const std::string& name, const std::string& host,
                          const std::string& new_name, const std::string& new_host);
SqlScript set_password_sql(const std::string& name, const std::string& host,
                           const std::string& password);
SqlScript grant_sql(const std::string& name, const std::string& host,
                    const std::vector<std::string>& databases);
SqlScript revoke_sql(const std::string& name, const std::string& host, const std::string& database);
// 'root'@'%' with `password` (created or reset) and every privilege WITH GRANT OPTION.
SqlScript enable_root_sql(const std::string& password);
SqlScript disable_root_sql();

// A failed statement's error as the caller should see it: MariaDB's refusals
// of the request (1007 database exists, 1115/1273/1253 unknown or
// mismatched character set or collation, 1396 account operation refused ->
// kBadRequest; 1008, 1133, 1141, 1147 no such database, account or grant ->
// kNotFound; 1290 read-only -> kConflict) with MariaDB's sentence; anything
// else unchanged. The message never gains text the error did not have.
common::Error refine_mysql_error(const common::Error& error);

}  // namespace automat::datastores::mysql
