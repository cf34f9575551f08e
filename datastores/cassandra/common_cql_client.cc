// The CQL session over a blocking-style TCP socket: a non-blocking descriptor
// driven by poll(2), so the connect and every request honour one deadline.
// One request is in flight at a time; after any transport or framing failure
// the session is marked lost, because a late response could no longer be told
// apart from the next one.
#include "datastores/cassandra/common_cql_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "common/log.h"
#include "datastores/cassandra/common_cql_frame.h"
#include "datastores/cassandra/common_cql_result.h"

namespace automat::datastores::cassandra::cql {

size_t ResultSet::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  std::string have;
  for (const auto& c : columns) have += (have.empty() ? "" : ", ") + c;
  throw common::internal_error("column '" + name + "' is not in the CQL result (columns: " + have +
                               ")");
}

namespace {

using Clock = std::chrono::steady_clock;

// A connected TCP socket whose every operation ends by a deadline.
class Socket {
 public:
  Socket(const std::string& host, int port, Clock::time_point deadline);
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void send_all(std::string_view data, Clock::time_point deadline);
  // Fills `out` with exactly out.size() bytes.
  void recv_exact(std::string& out, Clock::time_point deadline);
  const std::string& endpoint() const { return endpoint_; }

 private:
  // Waits for `events` on the socket; throws kUnavailable at the deadline.
  void wait_for(short events, Clock::time_point deadline, const char* doing);
  [[noreturn]] void fail(const std::string& doing, int err) const {
    throw common::unavailable("CQL " + doing + " " + endpoint_ + " failed: " + std::strerror(err));
  }

  int fd_ = -1;
  std::string endpoint_;
};

Socket::Socket(const std::string& host, int port, Clock::time_point deadline)
    : endpoint_(host + ":" + std::to_string(port)) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (port <= 0 || port > 65535 || inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    throw common::bad_request("CQL endpoint '" + endpoint_ + "' is not an IPv4 address and port");
  }
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail("socket for", errno);
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return;
  if (errno != EINPROGRESS) {
    const int err = errno;
    ::close(fd_);
    fail("connect to", err);
  }
  try {
    wait_for(POLLOUT, deadline, "connecting to");
  } catch (...) {
    ::close(fd_);
    throw;
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    ::close(fd_);
    fail("connect to", err);
  }
}

void Socket::wait_for(short events, Clock::time_point deadline, const char* doing) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
      throw common::unavailable(std::string("CQL timed out ") + doing + " " + endpoint_);
    pollfd p{fd_, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 60000)));
    if (n > 0) return;  // ready, or an error the next call reports
    if (n < 0 && errno != EINTR) fail(doing, errno);
  }
}

void Socket::send_all(std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_for(POLLOUT, deadline, "sending to");
    } else if (n < 0 && errno != EINTR) {
      fail("send to", errno);
    }
  }
}

void Socket::recv_exact(std::string& out, Clock::time_point deadline) {
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::recv(fd_, out.data() + got, out.size() - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n == 0) {
      throw common::unavailable("CQL connection closed by " + endpoint_);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_for(POLLIN, deadline, "waiting for a response from");
    } else if (errno != EINTR) {
      fail("receive from", errno);
    }
  }
}

struct Response {
  FrameHeader header;
  std::string body;
};

class NativeSession : public Session {
 public:
  explicit NativeSession(const ConnectOptions& options)
      : timeout_(options.timeout),
        socket_(options.host, options.port, Clock::now() + options.timeout) {}

  // STARTUP, then SASL PLAIN when the server asks for a login.
  void start(const std::string& username, const std::string& password);
  ResultSet execute(const std::string& cql, Consistency consistency) override;

 private:
  // Sends one request frame made by `encode` and returns its response.
  template <typename Encode>
  Response round_trip(Encode encode);
  Response read_response(int16_t stream, Clock::time_point deadline);
  [[noreturn]] void unexpected(const Response& r, const char* after) const;

  std::chrono::milliseconds timeout_;
  Socket socket_;
  int16_t stream_ = 0;
  bool lost_ = false;
};

template <typename Encode>
Response NativeSession::round_trip(Encode encode) {
  if (lost_)
    throw common::unavailable("CQL connection to " + socket_.endpoint() + " was lost; reconnect");
  stream_ = static_cast<int16_t>(stream_ == 0x7FFF ? 1 : stream_ + 1);
  const auto deadline = Clock::now() + timeout_;
  try {
    socket_.send_all(encode(stream_), deadline);
    return read_response(stream_, deadline);
  } catch (const common::Error& e) {
    if (e.code() != common::ErrorCode::kBadRequest) lost_ = true;  // bad_request: too long to send
    throw;
  }
}

Response NativeSession::read_response(int16_t stream, Clock::time_point deadline) {
  for (;;) {
    std::string head(kHeaderSize, '\0');
    socket_.recv_exact(head, deadline);
    Response r{decode_header(head), {}};
    r.body.resize(r.header.length);
    socket_.recv_exact(r.body, deadline);
    if (r.header.stream == stream) return r;
    if (r.header.stream >= 0) {
      throw common::internal_error("CQL response for stream " + std::to_string(r.header.stream) +
                                   " from " + socket_.endpoint() + " while waiting for stream " +
                                   std::to_string(stream));
    }
    // Negative streams are server events, never asked for here: skip them.
  }
}

void NativeSession::unexpected(const Response& r, const char* after) const {
  throw common::internal_error("CQL server " + socket_.endpoint() + " answered opcode " +
                               std::to_string(static_cast<int>(r.header.opcode)) + " to " + after);
}

void NativeSession::start(const std::string& username, const std::string& password) {
  Response r = round_trip([](int16_t s) { return encode_startup(s); });
  const std::string_view startup_body = strip_body_prefix(r.header.flags, r.body).message;
  if (r.header.opcode == Opcode::kReady) return;
  if (r.header.opcode == Opcode::kError) throw decode_error(startup_body);
  if (r.header.opcode != Opcode::kAuthenticate) unexpected(r, "STARTUP");
  const std::string authenticator = decode_authenticate(startup_body);
  if (username.empty()) {
    throw common::Error(common::ErrorCode::kUnauthorized,
                        "CQL server " + socket_.endpoint() + " requires a login (" + authenticator +
                            ") but no username was given");
  }
  r = round_trip([&](int16_t s) { return encode_auth_response(s, username, password); });
  const std::string_view auth_body = strip_body_prefix(r.header.flags, r.body).message;
  if (r.header.opcode == Opcode::kAuthSuccess) return;
  if (r.header.opcode == Opcode::kError) throw decode_error(auth_body);
  if (r.header.opcode == Opcode::kAuthChallenge) {
    throw common::Error(common::ErrorCode::kUnauthorized,
                        "CQL authenticator " + authenticator + " at " + socket_.endpoint() +
                            " asked for more than SASL PLAIN offers");
  }
  unexpected(r, "AUTH_RESPONSE");
}

ResultSet NativeSession::execute(const std::string& cql, Consistency consistency) {
  const Response r = round_trip([&](int16_t s) { return encode_query(s, cql, consistency); });
  const std::string_view body = strip_body_prefix(r.header.flags, r.body).message;
  if (r.header.opcode == Opcode::kError) throw decode_error(body);
  if (r.header.opcode != Opcode::kResult) unexpected(r, "QUERY");
  return decode_result(body).rows;
}

std::string quoted(const std::string& value, char quote) {
  std::string out(1, quote);
  for (char c : value) {
    out.push_back(c);
    if (c == quote) out.push_back(quote);
  }
  out.push_back(quote);
  return out;
}

}  // namespace

std::unique_ptr<Session> connect(const ConnectOptions& options) {
  auto session = std::make_unique<NativeSession>(options);
  session->start(options.username, options.password);
  common::log::debug("cql.connected",
                     {{"endpoint", options.host + ":" + std::to_string(options.port)},
                      {"user", options.username}});
  return session;
}

std::string quote_literal(const std::string& value) { return quoted(value, '\''); }

std::string quote_identifier(const std::string& value) { return quoted(value, '"'); }

}  // namespace automat::datastores::cassandra::cql
