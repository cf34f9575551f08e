#pragma once
// gRPC channels to guests, one per address and reused by every call to it
// (a channel per call cost a TCP and HTTP/2 handshake each time). A channel
// reconnects by itself when its guest restarts; its reconnect backoff is
// capped at a second, so a guest that comes back is reached at once, as a
// fresh channel would. A connection attempt to a guest slow to answer is
// not cut short: a call waits for it up to the call's own deadline.
// Thread-safe.
#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace automat::guestclient {

class ChannelCache {
 public:
  // Keeps at most `capacity` channels; the least recently used goes first.
  explicit ChannelCache(size_t capacity = 256) : capacity_(capacity) {}

  // The channel to `target` ("address:port"), created on first use.
  std::shared_ptr<grpc::Channel> get(const std::string& target);

  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<grpc::Channel> channel;
    uint64_t last_used = 0;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> channels_;
  uint64_t clock_ = 0;
};

}  // namespace automat::guestclient
