#pragma once
// What the database, user and root commands share: the paths of an
// instance's databases and users (a user as Trove's clients name it,
// "name" or "name@host", percent-encoded), reading every page of a list,
// and the tables they print.
#include <nlohmann/json.hpp>
#include <string>

#include "cli/api_client.h"
#include "cli/table.h"

namespace automat::cli {

// "/instances/<id>/users/<name[@host]>" (no host: the server's "%").
std::string user_path(const std::string& instance_id, const std::string& name,
                      const std::string& host);

// Name
Table database_list_table(const nlohmann::json& databases);
// Name | Host | Databases
Table user_list_table(const nlohmann::json& users);
// Field | Value: name, host, databases
Table user_table(const nlohmann::json& user);

}  // namespace automat::cli
