#pragma once
// Prepared statements of the Pg repositories. Each repository file declares
// its statements next to the code that runs them; prepare_statements()
// registers all of them on a new connection (libpqxx prepares each on the
// server at its first use).
#include <pqxx/pqxx>

namespace automat::db::pg {

void prepare_statements(pqxx::connection& conn);

// One per repository file.
void prepare_token_statements(pqxx::connection& conn);
void prepare_catalog_statements(pqxx::connection& conn);
void prepare_instance_statements(pqxx::connection& conn);
void prepare_operation_statements(pqxx::connection& conn);
void prepare_heartbeat_statements(pqxx::connection& conn);

}  // namespace automat::db::pg
