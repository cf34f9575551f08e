#pragma once
// The gRPC implementation of database_admin_client.h: every call carries
// "x-automat-token: <instance token>" and the client's deadline; channels
// are shared per address (channel_cache.h).
#include <memory>
#include <string>

#include "guestclient/channel_cache.h"
#include "guestclient/database_admin_client.h"

namespace automat::guestclient {

class GrpcDatabaseAdminClients : public DatabaseAdminClientFactory {
 public:
  // `guest_secret` is [DEFAULT] guest_secret; each instance's token is
  // derived from it, never stored. `channels` (borrowed, may be shared with
  // a GrpcGuestClientFactory) must outlive this; nullptr: it keeps its own.
  explicit GrpcDatabaseAdminClients(std::string guest_secret, ChannelCache* channels = nullptr);

  std::unique_ptr<DatabaseAdminClient> connect(const GuestEndpoint& endpoint,
                                               std::chrono::milliseconds deadline) override;

 private:
  std::string guest_secret_;
  ChannelCache own_channels_;
  ChannelCache* channels_;
};

}  // namespace automat::guestclient
