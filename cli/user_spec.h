#pragma once
// The --user NAME:PASSWORD[:db1,db2] argument of `instance create`.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace automat::cli {

struct UserSpec {
  std::string name;
  std::string password;
  std::vector<std::string> databases;
};

// Splits at the first ':' (name) and, if another ':' follows, at the last
// one (database list, comma separated). So a password may contain ':' when a
// database list, even an empty one, is given: "app:pa:ss:" is password "pa:ss".
// Throws cli::UsageError naming the problem (empty name, empty password,
// empty database name) without echoing the password.
UserSpec parse_user_spec(const std::string& text);

// Trove's user object: {"name", "password", "databases": [{"name": db}, ...]}.
nlohmann::json to_json(const UserSpec& user);

}  // namespace automat::cli
