#include "storage/throttle.h"

#include <thread>

#include "common/error.h"

namespace automat::storage {

Throttle::Throttle(uint64_t bytes_per_second, Now now, Sleep sleep)
    : rate_(bytes_per_second), now_(std::move(now)), sleep_(std::move(sleep)) {
  if (rate_ == 0) throw common::bad_request("a bandwidth limit must be above 0 bytes per second");
  if (!now_) now_ = [] { return Clock::now(); };
  if (!sleep_) sleep_ = [](Clock::duration d) { std::this_thread::sleep_for(d); };
}

void Throttle::acquire(uint64_t bytes) {
  if (bytes == 0) return;
  // The time `bytes` take at the rate, in the clock's ticks (long double:
  // no overflow for any size a file can have).
  const auto cost = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<long double>(
      static_cast<long double>(bytes) / static_cast<long double>(rate_)));
  Clock::time_point start;
  Clock::time_point now;
  {
    std::lock_guard lock(mu_);
    now = now_();
    // Behind the rate (idle, or slower than it): this chunk goes now, and
    // no credit is kept for the idle time.
    start = std::max(next_free_, now);
    next_free_ = start + cost;
  }
  if (start > now) sleep_(start - now);
}

ThrottledStream::ThrottledStream(std::istream& source, Throttle& throttle, size_t chunk)
    : std::istream(nullptr), buffer_(source, throttle, chunk) {
  rdbuf(&buffer_);
}

ThrottledStream::Buffer::Buffer(std::istream& source, Throttle& throttle, size_t chunk)
    : source_(source), throttle_(throttle), buf_(std::max<size_t>(chunk, 1)) {}

ThrottledStream::Buffer::int_type ThrottledStream::Buffer::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  source_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  const auto got = source_.gcount();
  // A failed read makes this stream bad too (std::istream turns the throw
  // into badbit), so the put reading it fails instead of storing a part.
  if (source_.bad()) throw common::internal_error("reading the throttled source failed");
  if (got <= 0) return traits_type::eof();
  throttle_.acquire(static_cast<uint64_t>(got));
  setg(buf_.data(), buf_.data(), buf_.data() + got);
  return traits_type::to_int_type(*gptr());
}

}  // namespace automat::storage
