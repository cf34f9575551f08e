#pragma once
// The HTTP server's caps on open connections: in total, and per client
// address, so one client (or a crowd) cannot take every file descriptor and
// starve everyone else. A connection over either cap is answered 503 and
// closed by the server; one within them holds a Slot for as long as it is
// open. Thread-safe.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace automat::api {

class ConnectionLimiter {
 public:
  // Caps of at least 1 (0 is taken as 1).
  ConnectionLimiter(size_t max_total, size_t max_per_client);

  // Counts one open connection until destroyed.
  class Slot {
   public:
    Slot(ConnectionLimiter& limiter, std::string client);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    ConnectionLimiter& limiter_;
    std::string client_;
  };

  enum class Refusal { kNone, kTotal, kClient };

  // A slot for one more connection from `client` (its address as text), or
  // nullptr when the total or that client's count is at its cap (`why`, when
  // given, tells which). The limiter must outlive the slots it hands out.
  std::unique_ptr<Slot> admit(const std::string& client, Refusal* why = nullptr);

  size_t max_total() const { return max_total_; }
  size_t max_per_client() const { return max_per_client_; }

  size_t open() const;
  size_t open_from(const std::string& client) const;

 private:
  void release(const std::string& client);

  const size_t max_total_;
  const size_t max_per_client_;
  mutable std::mutex mu_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> per_client_;
};

}  // namespace automat::api
