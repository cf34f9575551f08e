#include "guestclient/channel_cache.h"

#include <algorithm>

namespace automat::guestclient {
namespace {

constexpr int kInitialReconnectBackoffMs = 100;
constexpr int kMaxReconnectBackoffMs = 1000;
// gRPC reads GRPC_ARG_MIN_RECONNECT_BACKOFF_MS as the least time one
// connection attempt (TCP and the HTTP/2 handshake) is given, not as a
// backoff. gRPC's own default: a guest that answers slowly (a busy machine)
// is waited for until the call's deadline instead of failing every call at
// once after a tenth of a second. A refused connection still fails at once.
constexpr int kMinConnectTimeoutMs = 20000;

std::shared_ptr<grpc::Channel> new_channel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, kInitialReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kMinConnectTimeoutMs);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace

std::shared_ptr<grpc::Channel> ChannelCache::get(const std::string& target) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = channels_.find(target);
  if (it == channels_.end()) {
    if (capacity_ > 0 && channels_.size() >= capacity_) {
      const auto oldest = std::min_element(
          channels_.begin(), channels_.end(),
          [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
      channels_.erase(oldest);
    }
    it = channels_.emplace(target, Entry{new_channel(target), 0}).first;
  }
  it->second.last_used = ++clock_;
  return it->second.channel;
}

size_t ChannelCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return channels_.size();
}

}  // namespace automat::guestclient
