// PostgreSQL's failures in the project's words (db/pg_support.h): what the
// server said goes to the log, never into the error a client may see.
#include <gtest/gtest.h>

#include "db/pg_support.h"

namespace automat::db::pg {
namespace {

std::string translated(const char* what, const char* sqlstate) {
  return translate(pqxx::sql_error(what, "SELECT 1", sqlstate)).what();
}

TEST(PgErrors, MessagesCarryNoneOfPostgresText) {
  const struct {
    const char* what;
    const char* sqlstate;
    common::ErrorCode code;
  } cases[] = {
      {"ERROR:  duplicate key value violates unique constraint \"flavors_name_key\"\nDETAIL:  "
       "Key (name)=(secret) already exists.",
       "23505", common::ErrorCode::kConflict},
      {"ERROR:  insert or update on table \"tokens\" violates foreign key constraint "
       "\"tokens_tenant_fkey\"",
       "23503", common::ErrorCode::kBadRequest},
      {"ERROR:  invalid byte sequence for encoding \"UTF8\": 0xff", "22021",
       common::ErrorCode::kInternal},
      {"FATAL:  terminating connection due to administrator command", "57P01",
       common::ErrorCode::kUnavailable},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sqlstate);
    const common::Error e = translate(pqxx::sql_error(c.what, "SELECT 1", c.sqlstate));
    EXPECT_EQ(e.code(), c.code);
    const std::string message = e.what();
    for (const char* leak : {"constraint", "secret", "UTF8", "0xff", "administrator", "tokens"}) {
      EXPECT_EQ(message.find(leak), std::string::npos) << message;
    }
  }
  EXPECT_EQ(translated("ERROR:  x", "23505"),
            "it already exists: something with the same name or id is there");
  const common::Error lost = translate(pqxx::broken_connection("server closed the connection"));
  EXPECT_EQ(lost.code(), common::ErrorCode::kUnavailable);
  EXPECT_EQ(std::string(lost.what()), "the database is unavailable");
}

}  // namespace
}  // namespace automat::db::pg
