#include "db/pg_statements.h"

namespace automat::db::pg {

void prepare_statements(pqxx::connection& conn) {
  prepare_token_statements(conn);
  prepare_catalog_statements(conn);
  prepare_instance_statements(conn);
  prepare_operation_statements(conn);
  prepare_heartbeat_statements(conn);
}

}  // namespace automat::db::pg
