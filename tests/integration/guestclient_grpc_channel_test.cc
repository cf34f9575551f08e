// GrpcGuestClient over a real gRPC channel in real time: a guest that
// restarts is reached again once gRPC's reconnect backoff (about a second)
// has passed, and a call's deadline ends a call to a guest that does not
// answer. These wait for gRPC's own timers, so they are integration tests.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "common/error.h"
#include "guestclient/grpc_guest_client.h"
#include "tests/support/grpc_guest_fixture.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(GrpcGuestClientTest, AGuestThatRestartsIsReachedAgainThroughItsChannel) {
  guestclient::ChannelCache channels;
  guestclient::GrpcGuestClientFactory factory(kSecret, &channels);
  const guestclient::GuestEndpoint server{kInstance, "127.0.0.1", port_};
  ASSERT_EQ(factory.connect(server)->ping(5s).instance_id(), kInstance);
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  EXPECT_THROW(factory.connect(server)->ping(1s), common::Error);

  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port_), grpc::InsecureServerCredentials());
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  ASSERT_TRUE(server_);
  // The reconnect backoff is capped at a second, so the guest is reached
  // again about a second after it is back; the bound (and each ping's
  // deadline) only has to hold on a busy machine too. Between failed pings
  // (a channel in backoff fails them at once) the test pauses, so it does
  // not spin against the reconnect it waits for.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool reached = false;
  while (!reached && std::chrono::steady_clock::now() < deadline) {
    try {
      reached = factory.connect(server)->ping(5s).instance_id() == kInstance;
    } catch (const common::Error&) {
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_TRUE(reached);
  EXPECT_EQ(channels.size(), 1u) << "reached through the same channel";
}

// Timed out, not unavailable: the guest may have taken the call.
TEST_F(GrpcGuestClientTest, ASlowGuestTimesOutAfterTheDeadline) {
  service_.prepare_held = true;  // the guest answers only after the deadline
  const auto started = std::chrono::steady_clock::now();
  try {
    client()->start_prepare("k", proto::PrepareRequest(), 200ms);
    ADD_FAILURE() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kTimedOut);
    EXPECT_NE(std::string(e.what()).find("did not answer"), std::string::npos) << e.what();
  }
  // Well before the held guest would answer (never): the deadline ended the
  // call; the margin is for a busy machine.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5000ms);
  service_.prepare_gate.release();
}

TEST(GrpcGuestClientConnectTest, AGuestSlowToFinishTheHandshakeHasTheWholeDeadlineOfTheCall) {
  // A listener that never speaks: the TCP connection is made (the kernel
  // queues it), the HTTP/2 handshake never completes, as with a guest too
  // busy to answer in time. The call waits for it until its own deadline; a
  // connection attempt cut short sooner (gRPC's min_reconnect_backoff_ms is
  // its connect timeout) failed calls of a busy machine at once.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  guestclient::GrpcGuestClientFactory factory(kSecret);
  try {
    factory.connect(guestclient::GuestEndpoint{kInstance, "127.0.0.1", ntohs(addr.sin_port)})
        ->ping(1500ms);
    ADD_FAILURE() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kTimedOut);
    EXPECT_NE(std::string(e.what()).find("did not answer Ping within 1500 ms"), std::string::npos)
        << e.what();
  }
  ::close(fd);
}

}  // namespace
}  // namespace automat::testing
