#include "api/connection_limiter.h"

#include <algorithm>

namespace automat::api {

ConnectionLimiter::ConnectionLimiter(size_t max_total, size_t max_per_client)
    : max_total_(std::max<size_t>(1, max_total)),
      max_per_client_(std::max<size_t>(1, max_per_client)) {}

ConnectionLimiter::Slot::Slot(ConnectionLimiter& limiter, std::string client)
    : limiter_(limiter), client_(std::move(client)) {}

ConnectionLimiter::Slot::~Slot() { limiter_.release(client_); }

std::unique_ptr<ConnectionLimiter::Slot> ConnectionLimiter::admit(const std::string& client,
                                                                  Refusal* why) {
  Refusal refusal = Refusal::kNone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = per_client_.find(client);
    if (total_ >= max_total_) {
      refusal = Refusal::kTotal;
    } else if (it != per_client_.end() && it->second >= max_per_client_) {
      refusal = Refusal::kClient;
    } else {
      ++per_client_[client];
      ++total_;
    }
  }
  if (why) *why = refusal;
  if (refusal != Refusal::kNone) return nullptr;
  return std::make_unique<Slot>(*this, client);
}

size_t ConnectionLimiter::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

size_t ConnectionLimiter::open_from(const std::string& client) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = per_client_.find(client);
  return it == per_client_.end() ? 0 : it->second;
}

void ConnectionLimiter::release(const std::string& client) {
  std::lock_guard<std::mutex> lock(mu_);
  --total_;
  const auto it = per_client_.find(client);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

}  // namespace automat::api
