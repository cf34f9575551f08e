#include "datastores/mysql/guest_mysql_sql.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/text.h"

namespace automat::datastores::mysql {
namespace {

bool all_of_charset(const std::string& s, const std::string& extra) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string::npos;
  });
}

void check(bool ok, const std::string& message) {
  if (!ok) throw common::bad_request(message);
}

std::string account(const std::string& user, const std::string& host) {
  return quote_string(user) + "@" + quote_string(host);
}

}  // namespace

SqlScript& SqlScript::operator+=(const SqlScript& other) {
  text += other.text;
  secrets.insert(secrets.end(), other.secrets.begin(), other.secrets.end());
  return *this;
}

void validate_database_name(const std::string& name) {
  check(!name.empty() && name.size() <= 64 && all_of_charset(name, "_$-"),
        "database name '" + common::printable_excerpt(name) +
            "' is invalid: use 1 to 64 letters, digits, '_', '$' or '-'");
  const std::string l = common::ascii_lower(name);
  check(l != "mysql" && l != "information_schema" && l != "performance_schema" && l != "sys",
        "database name '" + name + "' is reserved");
}

void validate_user_name(const std::string& name) {
  check(!name.empty() && name.size() <= 80 && all_of_charset(name, "_.$-"),
        "user name '" + common::printable_excerpt(name) +
            "' is invalid: use 1 to 80 letters, digits, '_', '.', '$' or '-'");
  const std::string l = common::ascii_lower(name);
  check(l != "root" && l != "mysql" && l != "mariadb.sys", "user name '" + name + "' is reserved");
}

void validate_host(const std::string& host) {
  check(!host.empty() && host.size() <= 255 && all_of_charset(host, "_.%:-"),
        "user host '" + common::printable_excerpt(host) +
            "' is invalid: use letters, digits, '.', ':', '-', '_' or the wildcard '%'");
}

void validate_charset_name(const std::string& name, const char* what) {
  check(!name.empty() && name.size() <= 64 && all_of_charset(name, "_"),
        std::string(what) + " '" + common::printable_excerpt(name) +
            "' is invalid: use letters, digits or '_'");
}

void validate_password(const std::string& password) {
  check(!password.empty() && password.size() <= 256 && password.find('\0') == std::string::npos,
        "password must be 1 to 256 characters without NUL");
}

std::string quote_identifier(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';  // doubled, though validated names never hold one
    out += c;
  }
  return out + "`";
}

std::string quote_string(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\x1a':
        out += "\\Z";
        break;
      default:
        out += c;
    }
  }
  return out + "'";
}

std::string grant_database(const std::string& name) {
  std::string pattern;
  for (char c : name) {
    if (c == '_' || c == '%') pattern += '\\';
    pattern += c;
  }
  return quote_identifier(pattern);
}

SqlScript secure_installation_sql() {
  SqlScript s;
  s.text =
      "DELETE FROM mysql.global_priv WHERE User = '';\n"
      "DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';\n"
      "DROP DATABASE IF EXISTS test;\n"
      "DELETE FROM mysql.db WHERE Db = 'test' OR Db LIKE 'test\\\\_%';\n"
      "FLUSH PRIVILEGES;\n"
      "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket;\n";
  return s;
}

SqlScript databases_and_users_sql(const proto::PrepareRequest& req) {
  for (const auto& db : req.databases()) {
    validate_database_name(db.name());
    if (!db.character_set().empty()) validate_charset_name(db.character_set(), "character set");
    if (!db.collate().empty()) validate_charset_name(db.collate(), "collation");
  }
  for (const auto& u : req.users()) {
    validate_user_name(u.name());
    validate_password(u.password());
    if (!u.host().empty()) validate_host(u.host());
    for (const auto& db : u.databases()) validate_database_name(db);
  }

  SqlScript s;
  for (const auto& db : req.databases()) {
    s.text += "CREATE DATABASE IF NOT EXISTS " + quote_identifier(db.name());
    if (!db.character_set().empty()) s.text += " CHARACTER SET " + db.character_set();
    if (!db.collate().empty()) s.text += " COLLATE " + db.collate();
    s.text += ";\n";
  }
  for (const auto& u : req.users()) {
    const std::string who = account(u.name(), u.host().empty() ? "%" : u.host());
    const std::string password = quote_string(u.password());
    s.text += "CREATE USER IF NOT EXISTS " + who + " IDENTIFIED BY " + password + ";\n";
    s.text += "ALTER USER " + who + " IDENTIFIED BY " + password + ";\n";
    for (const auto& db : u.databases()) {
      s.text += "GRANT ALL PRIVILEGES ON " + grant_database(db) + ".* TO " + who + ";\n";
    }
    // The escaped form is what a server error would echo; the raw one anything else.
    s.secrets.push_back(password.substr(1, password.size() - 2));
    s.secrets.push_back(u.password());
  }
  return s;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace automat::datastores::mysql
