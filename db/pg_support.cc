#include "db/pg_support.h"

#include <sstream>

#include "common/log.h"

namespace automat::db::pg {
namespace {

// The first line of a server message, without the "ERROR:  " prefix, so
// DETAIL lines (which quote key values) never leave the db layer.
std::string headline(const char* what) {
  std::string s(what);
  s = s.substr(0, s.find('\n'));
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (s.rfind(prefix, 0) == 0) s = s.substr(std::string(prefix).size());
  }
  return s;
}

}  // namespace

std::string iso(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

DatabaseUnavailable translate(const pqxx::broken_connection& e) {
  common::log::warn("db.connection_lost", {{"error", headline(e.what())}});
  return DatabaseUnavailable("the database is unavailable");
}

common::Error translate(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  // PostgreSQL's own words (which name constraints and encodings) go to the
  // log; a 4xx carries the project's sentence.
  common::log::warn("db.statement_failed",
                    {{"sqlstate", state.empty() ? "-" : state}, {"error", headline(e.what())}});
  if (state == "23505") {
    return common::conflict("it already exists: something with the same name or id is there");
  }
  if (state == "23503") {
    return common::bad_request("it refers to something that does not exist (any more)");
  }
  if (connection_lost(e) || state == "57P03")
    return DatabaseUnavailable("the database is unavailable");
  return common::internal_error("database error (SQLSTATE " + (state.empty() ? "-" : state) + ")");
}

bool retryable(const pqxx::sql_error& e) {
  return e.sqlstate() == "40P01" || e.sqlstate() == "40001";
}

bool connection_lost(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  // 08xxx connection exceptions; 57P01 admin_shutdown, 57P02 crash_shutdown.
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02";
}

bool replace_broken(ConnectionPool& pool, ConnectionPool::Lease& lease, bool& replaced) {
  lease.discard();
  pool.discard_idle();
  if (replaced) return false;
  replaced = true;
  return true;
}

std::optional<std::string> opt_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) {
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

std::vector<std::string> split_roles(const std::string& roles) {
  std::vector<std::string> out;
  std::stringstream ss(roles);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace automat::db::pg
