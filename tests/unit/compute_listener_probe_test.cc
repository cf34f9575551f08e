// The listener probe of the local driver: the kernel's socket tables read
// for exactly one address (IPv4 and IPv4-mapped IPv6 listeners, never the
// wildcard), and the real tables holding a socket this test listens on.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compute/local/listener_probe.h"

namespace automat::compute::local {
namespace {

// 127.10.0.8:3306 and :8780 listening, 127.10.0.8:9042 connected (not a
// listener), 127.10.0.9:3306 listening, 0.0.0.0:22 listening.
const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
    "   0: 08000A7F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   0\n"
    "   1: 08000A7F:224C 00000000:0000 0A 00000000:00000000 00:00000000 00000000   0\n"
    "   2: 08000A7F:2352 0100007F:B384 01 00000000:00000000 00:00000000 00000000   0\n"
    "   3: 09000A7F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   0\n"
    "   4: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000   0\n"
    "   5: garbage\n";

// A JVM's listener on ::ffff:127.10.0.8:7000 and the wildcard [::]:9042.
const char* kTcp6 =
    "  sl  local_address                         remote_address                        st\n"
    "   0: 0000000000000000FFFF000008000A7F:1B58 00000000000000000000000000000000:0000 0A\n"
    "   1: 00000000000000000000000000000000:2352 00000000000000000000000000000000:0000 0A\n";

TEST(ListenerProbe, ReadsTheListenersOfExactlyOneIpv4Address) {
  EXPECT_EQ(listening_ports_in(kTcp, false, "127.10.0.8"), (std::vector<int>{3306, 8780}));
  EXPECT_EQ(listening_ports_in(kTcp, false, "127.10.0.9"), (std::vector<int>{3306}));
  EXPECT_TRUE(listening_ports_in(kTcp, false, "127.10.0.10").empty());
  // A wildcard listener (sshd on 0.0.0.0:22) does not make 127.10.0.10 busy.
}

TEST(ListenerProbe, ReadsIpv4MappedListenersOfIpv6Sockets) {
  EXPECT_EQ(listening_ports_in(kTcp6, true, "127.10.0.8"), (std::vector<int>{7000}));
  EXPECT_TRUE(listening_ports_in(kTcp6, true, "127.10.0.9").empty());
}

TEST(ListenerProbe, IgnoresWhatIsNotAnIpv4Address) {
  EXPECT_TRUE(listening_ports_in(kTcp, false, "127.10.0").empty());
  EXPECT_TRUE(listening_ports_in(kTcp, false, "").empty());
}

TEST(ListenerProbe, SeesARealListener) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.33.44.55", &a.sin_addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ProcNetListenerProbe probe;
  EXPECT_TRUE(probe.listening_ports("127.33.44.55").empty()) << "bound, not yet listening";
  ASSERT_EQ(::listen(fd, 1), 0);
  EXPECT_EQ(probe.listening_ports("127.33.44.55"), std::vector<int>{ntohs(a.sin_port)});
  ::close(fd);
  EXPECT_TRUE(probe.listening_ports("127.33.44.55").empty());
}

}  // namespace
}  // namespace automat::compute::local
