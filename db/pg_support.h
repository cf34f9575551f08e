#pragma once
// Helpers shared by the Pg repositories: running a unit of work on a pooled
// connection with libpqxx errors translated into common::Error, and
// conversions between rows and model values.
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/error.h"
#include "db/pool.h"

namespace automat::db::pg {

// SQL rendering `column` (a timestamptz) as "YYYY-MM-DDTHH:MM:SSZ".
std::string iso(const std::string& column);

// The common::Error for a libpqxx failure: kUnavailable for a lost
// connection, kConflict for a duplicate key, kBadRequest for a reference to
// a missing row, kInternal otherwise. Messages are the project's own
// sentences: PostgreSQL's text (its first line) goes to the log only.
common::Error translate(const pqxx::broken_connection& e);
common::Error translate(const pqxx::sql_error& e);

// True for failures worth running the whole unit of work again: a lost
// connection before commit, a deadlock, a serialization failure.
bool retryable(const pqxx::sql_error& e);

// Runs `work(connection)` on a pooled connection and returns its result.
// `work` must open and commit its own transaction, so running it again after
// a lost connection or deadlock is safe; it is retried up to twice. Broken
// connections are discarded from the pool. Throws common::Error.
template <typename Work>
auto run(ConnectionPool& pool, Work&& work) -> decltype(work(std::declval<pqxx::connection&>())) {
  for (int attempt = 0;; ++attempt) {
    ConnectionPool::Lease lease = pool.acquire();
    try {
      return work(*lease);
    } catch (const pqxx::in_doubt_error& e) {
      lease.discard();
      throw common::unavailable(std::string("database unavailable: commit outcome unknown: ") +
                                e.what());
    } catch (const pqxx::broken_connection& e) {
      lease.discard();
      if (attempt >= 2) throw translate(e);
    } catch (const pqxx::sql_error& e) {
      if (!retryable(e) || attempt >= 2) throw translate(e);
    } catch (const pqxx::failure& e) {
      // Failures outside a statement (e.g. the socket died between calls).
      if (!lease->is_open()) {
        lease.discard();
        if (attempt >= 2)
          throw common::unavailable(std::string("database unavailable: ") + e.what());
        continue;
      }
      throw common::internal_error(std::string("database error: ") + e.what());
    }
  }
}

// A nullable text column.
std::optional<std::string> opt_text(const pqxx::field& f);

// A PostgreSQL array literal ('{"a","b"}') for a text[] parameter.
std::string text_array(const std::vector<std::string>& items);

// "member,admin" <-> {"member", "admin"}.
std::string join_roles(const std::vector<std::string>& roles);
std::vector<std::string> split_roles(const std::string& roles);

}  // namespace automat::db::pg
