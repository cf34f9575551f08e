#include "cli/user_spec.h"

#include "cli/errors.h"

namespace automat::cli {
namespace {

std::vector<std::string> split_databases(const std::string& list, const std::string& user) {
  std::vector<std::string> names;
  if (list.empty()) return names;
  size_t begin = 0;
  while (true) {
    size_t comma = list.find(',', begin);
    std::string name = list.substr(begin, comma == std::string::npos ? comma : comma - begin);
    if (name.empty()) {
      throw UsageError("--user " + user + ": empty database name in \"" + list + "\"");
    }
    names.push_back(name);
    if (comma == std::string::npos) return names;
    begin = comma + 1;
  }
}

}  // namespace

UserSpec parse_user_spec(const std::string& text) {
  size_t first = text.find(':');
  if (first == std::string::npos) {
    throw UsageError("--user needs NAME:PASSWORD[:db1,db2]; got no ':' after the name");
  }
  UserSpec user;
  user.name = text.substr(0, first);
  if (user.name.empty()) throw UsageError("--user NAME:PASSWORD[:db1,db2]: the name is empty");
  std::string rest = text.substr(first + 1);
  size_t last = rest.rfind(':');
  user.password = rest.substr(0, last);
  if (last != std::string::npos) user.databases = split_databases(rest.substr(last + 1), user.name);
  if (user.password.empty()) throw UsageError("--user " + user.name + ": the password is empty");
  return user;
}

nlohmann::json to_json(const UserSpec& user) {
  nlohmann::json databases = nlohmann::json::array();
  for (const auto& name : user.databases) databases.push_back({{"name", name}});
  return {{"name", user.name}, {"password", user.password}, {"databases", databases}};
}

}  // namespace automat::cli
