// GrpcGuestClient against an in-process gRPC guest service: the instance's
// token travels as metadata, errors map to common::Error, channels are
// shared. Nothing here waits for a deadline to expire: a real channel's
// reconnects and deadlines are tests/integration/guestclient_grpc_channel_test.cc.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

#include "automat/guest.grpc.pb.h"
#include "common/crypto.h"
#include "common/error.h"
#include "guestclient/grpc_call.h"
#include "guestclient/grpc_guest_client.h"
#include "tests/support/grpc_guest_fixture.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(GrpcGuestClientTest, CallsCarryTheInstancesDerivedToken) {
  const auto reply = client()->ping(5s);
  EXPECT_EQ(reply.instance_id(), kInstance);
  EXPECT_EQ(service_.last_token, common::crypto::guest_rpc_token(kSecret, kInstance));
  EXPECT_NE(service_.last_token, common::crypto::guest_rpc_token(kSecret, "other-instance"));
}

TEST_F(GrpcGuestClientTest, PrepareSendsTheRequest) {
  proto::PrepareRequest req;
  req.add_databases()->set_name("shop");
  auto* user = req.add_users();
  user->set_name("app");
  user->set_password("pw");
  const auto reply = client()->start_prepare("op-1:prepare:n1", req, 5s);
  EXPECT_EQ(reply.state(), proto::JobReply::RUNNING);
  EXPECT_EQ(reply.key(), "op-1:prepare:n1");
  EXPECT_EQ(service_.last_prepare_key, "op-1:prepare:n1");
  EXPECT_EQ(service_.last_prepare.databases(0).name(), "shop");
  EXPECT_EQ(service_.last_prepare.users(0).password(), "pw");
  EXPECT_EQ(client()->get_status(5s).service_status(), "SHUTDOWN");
}

TEST_F(GrpcGuestClientTest, StopStartsAJobUnderTheKey) {
  const proto::JobReply job = client()->start_stop("op-1:stop:n1", 5s);
  EXPECT_EQ(service_.last_stop_key, "op-1:stop:n1");
  EXPECT_EQ(job.key(), "op-1:stop:n1");
  EXPECT_EQ(job.kind(), "stop");
  EXPECT_EQ(job.state(), proto::JobReply::RUNNING);
  EXPECT_EQ(service_.last_token, common::crypto::guest_rpc_token(kSecret, kInstance));
}

TEST_F(GrpcGuestClientTest, AGuestErrorIsInternalWithTheGuestsMessage) {
  try {
    client()->start_stop("refused", 5s);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    EXPECT_STREQ(e.what(), "the guest runs too many jobs");
  }
}

TEST_F(GrpcGuestClientTest, GetJobSendsTheKeyAndAnswersTheJob) {
  const proto::JobReply job = client()->get_job("op-1:cleanup:n1", 5s);
  EXPECT_EQ(service_.last_key, "op-1:cleanup:n1");
  EXPECT_EQ(job.state(), proto::JobReply::RUNNING);
  EXPECT_EQ(job.kind(), "cleanup");
  EXPECT_DOUBLE_EQ(job.progress(), 0.25);
  EXPECT_EQ(service_.last_token, common::crypto::guest_rpc_token(kSecret, kInstance));
}

TEST_F(GrpcGuestClientTest, GuestErrorsKeepTheirMeaning) {
  auto code_of = [&](const std::string& key) -> std::optional<common::ErrorCode> {
    try {
      client()->get_job(key, 5s);
    } catch (const common::Error& e) {
      return e.code();
    }
    return std::nullopt;
  };
  EXPECT_EQ(code_of("bad key"), common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of("busy"), common::ErrorCode::kConflict);
  EXPECT_EQ(code_of("fine"), std::nullopt);
}

TEST_F(GrpcGuestClientTest, ALinkForADatastoresClientSharesTheChannelAndCarriesTheToken) {
  guestclient::ChannelCache channels;
  guestclient::GrpcGuestClientFactory factory(kSecret, &channels);
  const guestclient::GuestEndpoint server{kInstance, "127.0.0.1", port_};
  ASSERT_EQ(factory.connect(server)->ping(5s).instance_id(), kInstance);
  const guestclient::GuestLink link = factory.link(server);
  EXPECT_EQ(link.to.instance_id, kInstance);
  EXPECT_EQ(link.to.target, "127.0.0.1:" + std::to_string(port_));
  EXPECT_EQ(link.to.token, common::crypto::guest_rpc_token(kSecret, kInstance));
  EXPECT_EQ(link.channel, channels.get(link.to.target));
  EXPECT_EQ(channels.size(), 1u);
  // A call made through the link is the guest's own.
  auto stub = proto::GuestAgent::NewStub(link.channel);
  proto::PingReply reply;
  guestclient::unary_call(link.to, "Ping", 5s, [&](grpc::ClientContext* c) {
    return stub->Ping(c, proto::Empty(), &reply);
  });
  EXPECT_EQ(reply.instance_id(), kInstance);
  EXPECT_EQ(service_.last_token, link.to.token);
}

TEST_F(GrpcGuestClientTest, AnUnimplementedCallSaysSo) {
  const guestclient::GuestLink link =
      factory_.link(guestclient::GuestEndpoint{kInstance, "127.0.0.1", port_});
  auto stub = proto::GuestAgent::NewStub(link.channel);
  try {
    guestclient::call(link.to, "RestartDatastore", 5s, *stub,
                      &proto::GuestAgent::Stub::RestartDatastore, proto::Empty());
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kNotImplemented);
  }
}

TEST_F(GrpcGuestClientTest, ClientsOfOneGuestShareOneChannel) {
  guestclient::ChannelCache channels;
  guestclient::GrpcGuestClientFactory factory(kSecret, &channels);
  const guestclient::GuestEndpoint server{kInstance, "127.0.0.1", port_};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(factory.connect(server)->ping(5s).instance_id(), kInstance);
  EXPECT_EQ(channels.size(), 1u);
  factory.connect(guestclient::GuestEndpoint{"other", "127.0.0.2", port_});
  EXPECT_EQ(channels.size(), 2u);
}

TEST(ChannelCacheTest, TheLeastRecentlyUsedChannelGoesFirst) {
  guestclient::ChannelCache channels(2);
  const auto a = channels.get("127.0.0.1:1");
  channels.get("127.0.0.1:2");
  EXPECT_EQ(channels.get("127.0.0.1:1"), a);  // a is now the most recent
  channels.get("127.0.0.1:3");                // evicts :2
  EXPECT_EQ(channels.size(), 2u);
  EXPECT_EQ(channels.get("127.0.0.1:1"), a);
}

TEST_F(GrpcGuestClientTest, NobodyListeningIsUnavailable) {
  // A port that was free a moment ago: bind, note it, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int free_port = ntohs(addr.sin_port);
  ::close(fd);
  ASSERT_GT(free_port, 0);
  try {
    client(free_port)->ping(2s);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find(kInstance), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace automat::testing
