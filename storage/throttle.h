#pragma once
// A transfer's bandwidth limit: the threads of one upload (a Cassandra
// node's snapshot, issue 12 §4) share one Throttle, and every chunk they
// send first asks it for its bytes. The limit is an average over the
// transfer: a chunk is let through at once while the transfer is at or
// below the rate, and otherwise waits until sending it keeps the average at
// the rate. No credit is saved up while nothing is sent, so a pause is
// never followed by a burst above the rate.
#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
#include <streambuf>
#include <string>
#include <vector>

namespace automat::storage {

class Throttle {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  using Sleep = std::function<void(Clock::duration)>;

  // `bytes_per_second` > 0 (kBadRequest otherwise). `now` and `sleep`
  // default to the steady clock and the calling thread's sleep.
  explicit Throttle(uint64_t bytes_per_second, Now now = {}, Sleep sleep = {});

  // Returns once `bytes` more may be sent: at once, or after sleeping the
  // time that keeps the transfer's average at the rate. Thread-safe; each
  // caller waits only for its own chunk's turn.
  void acquire(uint64_t bytes);

  uint64_t bytes_per_second() const { return rate_; }

 private:
  const uint64_t rate_;
  Now now_;
  Sleep sleep_;
  std::mutex mu_;
  Clock::time_point next_free_{};  // when the bytes granted so far are sent at the rate
};

// A stream of the bytes of `source`, read in chunks of `chunk` bytes, each
// one granted by `throttle` before it is handed on. `source` and
// `throttle` must outlive the stream.
class ThrottledStream : public std::istream {
 public:
  ThrottledStream(std::istream& source, Throttle& throttle, size_t chunk = 256 * 1024);

 private:
  class Buffer : public std::streambuf {
   public:
    Buffer(std::istream& source, Throttle& throttle, size_t chunk);

   protected:
    int_type underflow() override;

   private:
    std::istream& source_;
    Throttle& throttle_;
    std::vector<char> buf_;
  };
  Buffer buffer_;
};

}  // namespace automat::storage
