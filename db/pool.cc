#include "db/pool.h"

#include <poll.h>

#include "db/database_unavailable.h"
#include "db/pg_statements.h"

namespace automat::db {
namespace {

// Whether an idle connection can still carry a query. libpq learns that the
// server closed a connection only when it next reads from it; an idle
// connection has nothing to read unless the server said goodbye (the FATAL
// of a shutdown, then end of file), so anything readable means it is gone.
bool usable(const pqxx::connection& conn) {
  if (!conn.is_open()) return false;
  pollfd p{conn.sock(), POLLIN, 0};
  return p.fd >= 0 && ::poll(&p, 1, 0) == 0;
}

}  // namespace

ConnectionPool::ConnectionPool(std::string dsn, size_t size)
    : dsn_(std::move(dsn)), size_(size == 0 ? 1 : size) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_), broken_);
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !idle_.empty() || open_ < size_; });
  while (!idle_.empty()) {
    std::unique_ptr<pqxx::connection> conn = std::move(idle_.back());
    idle_.pop_back();
    if (usable(*conn)) return Lease(this, std::move(conn));
    --open_;  // closed while idle: replace it below
  }
  ++open_;
  lock.unlock();
  try {
    auto conn = std::make_unique<pqxx::connection>(dsn_);
    pg::prepare_statements(*conn);
    return Lease(this, std::move(conn));
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> relock(mu_);
      --open_;
    }
    cv_.notify_one();
    std::string reason = e.what();
    reason = reason.substr(0, reason.find('\n'));
    throw DatabaseUnavailable("database unavailable: " + reason);
  }
}

void ConnectionPool::discard_idle() {
  std::vector<std::unique_ptr<pqxx::connection>> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing.swap(idle_);
    open_ -= closing.size();
  }
  cv_.notify_all();
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> conn, bool broken) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken || !conn->is_open()) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  cv_.notify_one();
}

}  // namespace automat::db
