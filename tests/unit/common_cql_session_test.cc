// cql::connect and Session::execute against a scripted fake server on
// 127.0.0.1: the login exchange, partial reads, server events, the frame size
// limit, timeouts and lost connections.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "datastores/cassandra/common_cql_client.h"
#include "tests/support/cql_bytes.h"

namespace automat::datastores::cassandra::cql {
namespace {

namespace b = testing::cql_bytes;
using std::chrono::milliseconds;

// What the fake server does with one request.
struct Step {
  uint8_t reply_opcode = 0x02;  // READY
  std::string reply_body;
  bool byte_by_byte = false;  // send the reply one byte at a time, each read before the next
  bool silent = false;        // never answer
  bool close = false;         // close the connection instead of answering
  std::string before;         // raw bytes sent ahead of the reply (e.g. an event)
  std::string raw_reply;      // when set, sent instead of a built reply
};

Step reply(uint8_t opcode, std::string body, bool byte_by_byte = false) {
  Step s;
  s.reply_opcode = opcode;
  s.reply_body = std::move(body);
  s.byte_by_byte = byte_by_byte;
  return s;
}

struct Request {
  uint8_t opcode;
  int16_t stream;
  std::string body;
};

// Accepts one connection and plays `steps`, one per request received.
class FakeCqlServer {
 public:
  explicit FakeCqlServer(std::vector<Step> steps) : steps_(std::move(steps)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 1) != 0) {
      throw std::runtime_error("fake server cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeCqlServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    if (conn_fd_ >= 0) ::shutdown(conn_fd_, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
    if (conn_fd_ >= 0) ::close(conn_fd_);
  }

  int port() const { return port_; }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  bool read_exact(std::string& out) {
    size_t got = 0;
    while (got < out.size()) {
      const ssize_t n = ::recv(conn_fd_, out.data() + got, out.size() - got, 0);
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  }
  void send(const std::string& bytes, bool slowly) {
    if (!slowly) {
      ::send(conn_fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      return;
    }
    // Each byte goes once the client has read the one before, so every
    // read of the session gets exactly one byte (no sleeping: the client's
    // socket, in this process, says what it has not read yet).
    const int client = client_fd();
    for (char c : bytes) {
      ::send(conn_fd_, &c, 1, MSG_NOSIGNAL);
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      int unread = 1;
      while (client >= 0 && unread > 0 && std::chrono::steady_clock::now() < until) {
        if (::ioctl(client, FIONREAD, &unread) != 0) break;
        std::this_thread::yield();
      }
    }
  }
  // The session's end of the connection: the socket of this process whose
  // own address is the server's peer; -1 when not found.
  int client_fd() const {
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    if (::getpeername(conn_fd_, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return -1;
    for (int fd = 0; fd < 4096; ++fd) {
      if (fd == conn_fd_ || fd == listen_fd_) continue;
      sockaddr_in self{};
      socklen_t self_len = sizeof self;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&self), &self_len) != 0) continue;
      if (self.sin_family == AF_INET && self.sin_port == peer.sin_port &&
          self.sin_addr.s_addr == peer.sin_addr.s_addr) {
        return fd;
      }
    }
    return -1;
  }
  void serve() {
    conn_fd_ = ::accept(listen_fd_, nullptr, nullptr);
    if (conn_fd_ < 0) return;
    for (const Step& step : steps_) {
      std::string head(9, '\0');
      if (!read_exact(head)) return;
      const uint32_t length = (uint32_t{static_cast<uint8_t>(head[5])} << 24) |
                              (uint32_t{static_cast<uint8_t>(head[6])} << 16) |
                              (uint32_t{static_cast<uint8_t>(head[7])} << 8) |
                              uint32_t{static_cast<uint8_t>(head[8])};
      Request req{static_cast<uint8_t>(head[4]),
                  static_cast<int16_t>((static_cast<uint8_t>(head[2]) << 8) |
                                       static_cast<uint8_t>(head[3])),
                  std::string(length, '\0')};
      if (!read_exact(req.body)) return;
      {
        std::lock_guard lock(mu_);
        requests_.push_back(req);
      }
      if (step.close) {
        ::shutdown(conn_fd_, SHUT_RDWR);
        return;
      }
      if (step.silent) continue;
      send(step.before, false);
      send(step.raw_reply.empty() ? b::response(step.reply_opcode, step.reply_body, req.stream)
                                  : step.raw_reply,
           step.byte_by_byte);
    }
    std::string rest(1, '\0');
    read_exact(rest);  // hold the connection until the client closes it
  }

  std::vector<Step> steps_;
  int listen_fd_ = -1;
  std::atomic<int> conn_fd_{-1};
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Request> requests_;
};

ConnectOptions options_for(const FakeCqlServer& server, const std::string& user = "") {
  ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = server.port();
  o.username = user;
  o.password = user.empty() ? "" : "pw";
  o.timeout = milliseconds(2000);
  return o;
}

const std::string kAuthenticator = "org.apache.cassandra.auth.PasswordAuthenticator";

std::string one_text_row(const std::string& column, const std::string& value) {
  return b::i32(2) + b::i32(1) + b::i32(1) + b::str("ks") + b::str("t") + b::str(column) +
         b::u16(0x000D) + b::i32(1) + b::bytes(value);
}

TEST(CqlSession, LogsInWithSaslPlainAndReadsRowsSentInPieces) {
  FakeCqlServer server({
      reply(0x03, b::str(kAuthenticator), true),
      reply(0x10, b::bytes(""), true),
      reply(0x08, one_text_row("release_version", "5.0.9"), true),
  });
  auto session = connect(options_for(server, "admin"));
  const ResultSet rs =
      session->execute("SELECT release_version FROM system.local", Consistency::kQuorum);
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0][rs.column("release_version")], "5.0.9");
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].opcode, 0x01);
  EXPECT_EQ(reqs[1].opcode, 0x0F);
  EXPECT_EQ(reqs[1].body, b::bytes(std::string("\0admin\0pw", 9)));
  EXPECT_EQ(reqs[2].opcode, 0x07);
  EXPECT_EQ(reqs[2].body.substr(4, 40), "SELECT release_version FROM system.local");
  EXPECT_EQ(reqs[2].body.substr(44, 2), b::u16(0x0004));
  EXPECT_NE(reqs[0].stream, reqs[1].stream);
  EXPECT_NE(reqs[1].stream, reqs[2].stream);
}

TEST(CqlSession, ServerErrorsMapToCodesAndKeepTheSessionUsable) {
  FakeCqlServer server({
      reply(0x02, ""),
      reply(0x00, b::error_body(0x2200, "unconfigured table nope")),
      reply(0x08, b::i32(1)),
  });
  auto session = connect(options_for(server));
  try {
    session->execute("SELECT * FROM nope");
    ADD_FAILURE() << "no error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_STREQ(e.what(), "unconfigured table nope");
  }
  EXPECT_TRUE(session->execute("USE ks").rows.empty());
}

TEST(CqlSession, SkipsServerEventsAndWarnings) {
  const std::string event = b::response(0x0C, b::str("STATUS_CHANGE"), -1);
  Step query = reply(0x08, one_text_row("v", "ok"));
  query.before = event;
  FakeCqlServer server({reply(0x02, ""), query});
  auto session = connect(options_for(server));
  EXPECT_EQ(session->execute("SELECT v FROM t").rows[0][0], "ok");
}

TEST(CqlSession, LoginRequiredButNoUsernameIsUnauthorized) {
  FakeCqlServer server({reply(0x03, b::str(kAuthenticator))});
  try {
    connect(options_for(server));
    ADD_FAILURE() << "connected";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnauthorized);
    EXPECT_NE(std::string(e.what()).find("PasswordAuthenticator"), std::string::npos);
  }
}

TEST(CqlSession, OversizedResponseIsAnErrorAndLosesTheConnection) {
  Step huge;
  huge.raw_reply = b::u8(0x84) + b::u8(0) + b::u16(1) + b::u8(0x08) + b::i32((256 << 20) + 1);
  FakeCqlServer server({reply(0x02, ""), huge});
  auto session = connect(options_for(server));
  try {
    session->execute("SELECT blob FROM big");
    ADD_FAILURE() << "accepted a frame over the limit";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    EXPECT_NE(std::string(e.what()).find("256 MiB"), std::string::npos) << e.what();
  }
  try {
    session->execute("SELECT 1");
    ADD_FAILURE() << "reused a lost connection";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
  }
}

TEST(CqlSession, SilentServerTimesOutWithinTheTimeout) {
  Step silent;
  silent.silent = true;
  FakeCqlServer server({reply(0x02, ""), silent});
  ConnectOptions o = options_for(server);
  o.timeout = milliseconds(300);
  auto session = connect(o);
  const auto start = std::chrono::steady_clock::now();
  try {
    session->execute("SELECT 1");
    ADD_FAILURE() << "no timeout";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, milliseconds(290));
  EXPECT_LT(waited, milliseconds(1500));
}

TEST(CqlSession, ClosedConnectionIsUnavailable) {
  Step close;
  close.close = true;
  FakeCqlServer server({close});
  try {
    connect(options_for(server));
    ADD_FAILURE() << "connected";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
  }
}

TEST(CqlSession, BadEndpointIsBadRequest) {
  ConnectOptions o;
  o.host = "cassandra.example";
  EXPECT_THROW(
      {
        try {
          connect(o);
        } catch (const common::Error& e) {
          EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
          throw;
        }
      },
      common::Error);
}

TEST(CqlQuote, LiteralsAndIdentifiersDoubleTheirQuote) {
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
  EXPECT_EQ(quote_literal(""), "''");
  EXPECT_EQ(quote_literal("a\"b"), "'a\"b'");
  EXPECT_EQ(quote_identifier("My\"Table"), "\"My\"\"Table\"");
  EXPECT_EQ(quote_identifier("o'k"), "\"o'k\"");
}

}  // namespace
}  // namespace automat::datastores::cassandra::cql
