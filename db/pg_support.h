#pragma once
// Helpers shared by the Pg repositories: running a unit of work on a pooled
// connection with libpqxx errors translated into common::Error, and
// conversions between rows and model values.
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/error.h"
#include "db/database_unavailable.h"
#include "db/pool.h"

namespace automat::db::pg {

// SQL rendering `column` (a timestamptz) as "YYYY-MM-DDTHH:MM:SSZ".
std::string iso(const std::string& column);

// The common::Error for a libpqxx failure: DatabaseUnavailable for a lost
// connection, kConflict for a duplicate key, kBadRequest for a reference to
// a missing row, kInternal otherwise. Messages are the project's own
// sentences: PostgreSQL's text (its first line) goes to the log only.
DatabaseUnavailable translate(const pqxx::broken_connection& e);
common::Error translate(const pqxx::sql_error& e);

// True for failures worth running the whole unit of work again: a deadlock,
// a serialization failure.
bool retryable(const pqxx::sql_error& e);

// True when the server ended the connection (its shutdown, a terminated
// backend, a connection exception): the connection is gone, not the query.
bool connection_lost(const pqxx::sql_error& e);

// After `lease`'s connection was found broken: drops it and every idle one
// (a restart broke them all). Returns whether the unit of work may be run
// again on a new connection, which it may once: `replaced` records that.
bool replace_broken(ConnectionPool& pool, ConnectionPool::Lease& lease, bool& replaced);

// Runs `work(connection)` on a pooled connection and returns its result.
// `work` must open and commit its own transaction, so running it again is
// safe. A connection found broken (the server restarted with no traffic in
// between, or died under the call) is replaced and `work` run once more on a
// new one, transparently; a deadlock or serialization failure is retried up
// to twice. Throws common::Error; DatabaseUnavailable when the database
// cannot be reached or the connection broke again.
template <typename Work>
auto run(ConnectionPool& pool, Work&& work) -> decltype(work(std::declval<pqxx::connection&>())) {
  int conflicts = 0;
  bool replaced = false;
  for (;;) {
    ConnectionPool::Lease lease = pool.acquire();
    try {
      return work(*lease);
    } catch (const pqxx::in_doubt_error& e) {
      lease.discard();
      throw DatabaseUnavailable(std::string("database unavailable: commit outcome unknown: ") +
                                e.what());
    } catch (const pqxx::broken_connection& e) {
      if (!replace_broken(pool, lease, replaced)) throw translate(e);
    } catch (const pqxx::sql_error& e) {
      if (connection_lost(e) || !lease->is_open()) {
        if (!replace_broken(pool, lease, replaced)) {
          throw DatabaseUnavailable(translate(e).what());
        }
        continue;
      }
      if (!retryable(e) || ++conflicts > 2) throw translate(e);
    } catch (const pqxx::failure& e) {
      // Failures outside a statement (e.g. the socket died between calls).
      if (lease->is_open())
        throw common::internal_error(std::string("database error: ") + e.what());
      if (!replace_broken(pool, lease, replaced)) {
        throw DatabaseUnavailable(std::string("database unavailable: ") + e.what());
      }
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
