#include "datastores/mysql/guest_mysql_admin_sql.h"

#include <algorithm>
#include <cctype>

#include "common/text.h"

namespace automat::datastores::mysql {
namespace {

std::string host_or_any(const std::string& host) { return host.empty() ? kAnyHost : host; }

SqlScript statement(std::string text) {
  SqlScript s;
  s.text = std::move(text);
  return s;
}

// The password's raw and escaped forms: what an error might echo.
void add_secret(SqlScript& s, const std::string& password) {
  const std::string quoted = quote_string(password);
  s.secrets.push_back(password);
  s.secrets.push_back(quoted.substr(1, quoted.size() - 2));
}

// "ERROR 1007 (HY000) at line 1: Can't create ..." -> {1007, "Can't create ..."}.
bool parse_server_error(const std::string& message, int& number, std::string& text) {
  const size_t at = message.find("ERROR ");
  if (at == std::string::npos) return false;
  size_t i = at + 6;
  number = 0;
  const size_t digits_start = i;
  while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])) &&
         i - digits_start < 6) {
    number = number * 10 + (message[i] - '0');
    ++i;
  }
  if (i == digits_start) return false;
  const size_t colon = message.find(": ", i);
  text = colon == std::string::npos ? "" : message.substr(colon + 2);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return true;
}

}  // namespace

bool is_system_database(const std::string& name) {
  const std::string l = common::ascii_lower(name);
  return l == "mysql" || l == "information_schema" || l == "performance_schema" || l == "sys" ||
         l.rfind("#mysql50#", 0) == 0;
}

bool is_system_account(const std::string& name) {
  const std::string l = common::ascii_lower(name);
  return l.empty() || l == "root" || l == "mysql" || l == "mariadb.sys" || l == "public" ||
         l.rfind("automat_", 0) == 0;
}

void validate_admin_database(const std::string& name) {
  validate_database_name(name);
  if (is_system_database(name)) {
    throw common::bad_request("database name '" + name + "' is reserved");
  }
}

void validate_admin_account(const std::string& name, const std::string& host) {
  validate_user_name(name);
  if (is_system_account(name)) throw common::bad_request("user name '" + name + "' is reserved");
  validate_host(host_or_any(host));
}

std::string account_sql(const std::string& name, const std::string& host) {
  return quote_string(name) + "@" + quote_string(host_or_any(host));
}

SqlScript list_databases_sql() {
  return statement(
      "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME "
      "FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME;\n");
}

SqlScript list_accounts_sql() {
  return statement("SELECT User, Host FROM mysql.user WHERE is_role = 'N' ORDER BY User, Host;\n");
}

SqlScript list_database_grants_sql() {
  return statement("SELECT User, Host, Db FROM mysql.db ORDER BY User, Host, Db;\n");
}

SqlScript read_only_sql() { return statement("SELECT @@GLOBAL.read_only AS read_only;\n"); }

SqlScript root_account_sql() {
  return statement("SELECT COUNT(*) AS n FROM mysql.user WHERE User = 'root' AND Host = '%';\n");
}

std::string database_from_grant(const std::string& pattern) {
  std::string name;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) ++i;
    name += pattern[i];
  }
  return name;
}

SqlScript create_databases_sql(const std::vector<proto::Database>& databases) {
  SqlScript s;
  for (const auto& db : databases) {
    s.text += "CREATE DATABASE " + quote_identifier(db.name());
    if (!db.character_set().empty()) s.text += " CHARACTER SET " + db.character_set();
    if (!db.collate().empty()) s.text += " COLLATE " + db.collate();
    s.text += ";\n";
  }
  return s;
}

SqlScript drop_database_sql(const std::string& name) {
  return statement("DROP DATABASE " + quote_identifier(name) + ";\n");
}

SqlScript create_user_sql(const proto::NewUser& user) {
  const std::string who = account_sql(user.name(), user.host());
  SqlScript s;
  s.text = "CREATE USER " + who + " IDENTIFIED BY " + quote_string(user.password()) + ";\n";
  add_secret(s, user.password());
  s += grant_sql(user.name(), user.host(), {user.databases().begin(), user.databases().end()});
  return s;
}

SqlScript drop_user_sql(const std::string& name, const std::string& host) {
  return statement("DROP USER " + account_sql(name, host) + ";\n");
}

SqlScript rename_user_sql(const std::string& name, const std::string& host,
                          const std::string& new_name, const std::string& new_host) {
  return statement("RENAME USER " + account_sql(name, host) + " TO " +
                   account_sql(new_name, new_host) + ";\n");
}

SqlScript set_password_sql(const std::string& name, const std::string& host,
                           const std::string& password) {
  SqlScript s = statement("ALTER USER " + account_sql(name, host) + " IDENTIFIED BY " +
                          quote_string(password) + ";\n");
  add_secret(s, password);
  return s;
}

SqlScript grant_sql(const std::string& name, const std::string& host,
                    const std::vector<std::string>& databases) {
  SqlScript s;
  for (const auto& db : databases) {
    s.text += "GRANT ALL PRIVILEGES ON " + grant_database(db) + ".* TO " + account_sql(name, host) +
              ";\n";
  }
  return s;
}

SqlScript revoke_sql(const std::string& name, const std::string& host,
                     const std::string& database) {
  return statement("REVOKE ALL PRIVILEGES ON " + grant_database(database) + ".* FROM " +
                   account_sql(name, host) + ";\n");
}

SqlScript enable_root_sql(const std::string& password) {
  const std::string who = account_sql("root", kAnyHost);
  const std::string pw = quote_string(password);
  SqlScript s = statement("CREATE USER IF NOT EXISTS " + who + " IDENTIFIED BY " + pw + ";\n" +
                          "ALTER USER " + who + " IDENTIFIED BY " + pw + ";\n" +
                          "GRANT ALL PRIVILEGES ON *.* TO " + who + " WITH GRANT OPTION;\n");
  add_secret(s, password);
  return s;
}

SqlScript disable_root_sql() {
  return statement("DROP USER IF EXISTS " + account_sql("root", kAnyHost) + ";\n");
}

common::Error refine_mysql_error(const common::Error& error) {
  int number = 0;
  std::string text;
  if (error.code() != common::ErrorCode::kInternal ||
      !parse_server_error(error.what(), number, text)) {
    return error;
  }
  const std::string said = "MariaDB refused: " + text;
  switch (number) {
    case 1007:  // ER_DB_CREATE_EXISTS
    case 1115:  // ER_UNKNOWN_CHARACTER_SET
    case 1253:  // ER_COLLATION_CHARSET_MISMATCH
    case 1273:  // ER_UNKNOWN_COLLATION
    case 1396:  // ER_CANNOT_USER (CREATE/DROP/RENAME USER refused)
      return common::bad_request(said);
    case 1008:  // ER_DB_DROP_EXISTS
    case 1049:  // ER_BAD_DB_ERROR
    case 1133:  // ER_PASSWORD_NO_MATCH (no such account)
    case 1141:  // ER_NONEXISTING_GRANT
    case 1147:  // ER_NONEXISTING_TABLE_GRANT
      return common::not_found(said);
    case 1290:  // ER_OPTION_PREVENTS_STATEMENT (read_only)
      return common::conflict(said);
    default:
      return error;
  }
}

}  // namespace automat::datastores::mysql
