#pragma once
// The gRPC implementation of guest_client.h: every call carries
// "x-automat-token: <instance token>" and a deadline; channels are shared
// per address (channel_cache.h).
#include <memory>
#include <string>

#include "guestclient/channel_cache.h"
#include "guestclient/guest_client.h"

namespace automat::guestclient {

class GrpcGuestClientFactory : public GuestClientFactory {
 public:
  // `guest_secret` is [DEFAULT] guest_secret; each instance's token is
  // derived from it (crypto::guest_rpc_token), never stored. `channels`
  // (borrowed, may be shared with other clients) must outlive the factory;
  // nullptr: the factory keeps its own.
  explicit GrpcGuestClientFactory(std::string guest_secret, ChannelCache* channels = nullptr);

  // Connects lazily to endpoint.address:endpoint.guest_port.
  std::unique_ptr<GuestClient> connect(const GuestEndpoint& endpoint) override;
  GuestLink link(const GuestEndpoint& endpoint) override;

 private:
  std::string guest_secret_;
  ChannelCache own_channels_;
  ChannelCache* channels_;
};

}  // namespace automat::guestclient
