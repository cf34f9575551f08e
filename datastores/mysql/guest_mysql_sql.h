#pragma once
// The SQL a MySQL guest runs as root: securing a fresh server and applying
// the requested databases and users. Every name is checked against an
// allow-list and every string literal escaped before it reaches SQL text.
#include <string>
#include <vector>

#include "automat/guest.pb.h"

namespace automat::datastores::mysql {

// SQL text plus the secrets (passwords) it contains, so that any error
// message echoing the text can be redacted before it is logged or returned.
struct SqlScript {
  std::string text;
  std::vector<std::string> secrets;

  SqlScript& operator+=(const SqlScript& other);
};

// Each throws common::Error(kBadRequest) naming the offending value.
// Database: [A-Za-z0-9_$-], 1..64 chars, not a system schema.
void validate_database_name(const std::string& name);
// User: [A-Za-z0-9_.$-], 1..80 chars, not root/mysql/mariadb.sys.
void validate_user_name(const std::string& name);
// Host: [A-Za-z0-9_.%:-], 1..255 chars.
void validate_host(const std::string& host);
// Character set or collation: [A-Za-z0-9_], 1..64 chars.
void validate_charset_name(const std::string& name, const char* what);
// Password: 1..256 chars, no NUL.
void validate_password(const std::string& password);

// `name` as a back-quoted identifier (the name must be validated).
std::string quote_identifier(const std::string& name);
// `value` as a single-quoted string literal with \, ', newlines and ^Z escaped.
std::string quote_string(const std::string& value);
// A database name as a GRANT pattern: `_` and `%` escaped so they match literally.
std::string grant_database(const std::string& name);

// Drops anonymous users, remote root accounts and the test database, and
// leaves root@localhost with unix-socket authentication only. Idempotent.
SqlScript secure_installation_sql();
// CREATE DATABASE IF NOT EXISTS for each database, then for each user
// CREATE USER IF NOT EXISTS / ALTER USER (password) / GRANT ALL on each of
// its databases. Validates everything first; idempotent.
SqlScript databases_and_users_sql(const proto::PrepareRequest& req);

// `text` with every occurrence of each non-empty secret replaced by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace automat::datastores::mysql
