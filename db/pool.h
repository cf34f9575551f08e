#pragma once
// A fixed-size pool of libpqxx connections. acquire() blocks until one is
// free; the lease returns it on destruction. An idle connection the server
// closed meanwhile (PostgreSQL restarted, the backend was terminated) is
// never handed out: acquire() opens a new one in its place. Thread-safe.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace automat::db {

class ConnectionPool {
 public:
  // `dsn` is a libpq connection string ("postgresql://user@127.0.0.1:5433/automat").
  // Connects lazily. Prepares every statement of the repositories on each new
  // connection (see prepare_statements in pg_statements.cc).
  ConnectionPool(std::string dsn, size_t size);
  ~ConnectionPool();

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn);
    Lease(Lease&&) noexcept;
    ~Lease();
    pqxx::connection& operator*() { return *conn_; }
    pqxx::connection* operator->() { return conn_.get(); }
    // Call when an operation on the connection failed at the transport level.
    void discard() { broken_ = true; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
    bool broken_ = false;
  };

  // Throws DatabaseUnavailable when no connection can be made.
  Lease acquire();
  // Closes every idle connection, so the next acquire() opens new ones. For
  // after a connection was found broken: whatever broke it (a restart of
  // the server) broke its idle siblings too.
  void discard_idle();
  const std::string& dsn() const { return dsn_; }

 private:
  void give_back(std::unique_ptr<pqxx::connection> conn, bool broken);

  std::string dsn_;
  size_t size_;
  size_t open_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
};

}  // namespace automat::db
