// The real HTTP server's connection caps and accept loop (issue 10: 20,050
// idle sockets used to starve every client). The server runs over the
// fakes; idle sockets are held by child processes (a process may hold at
// most its hard open-file limit, 20,000 on CI machines), forked before the
// server starts any thread.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "tests/unit/api_test_env.h"

namespace automat::testing {
namespace {

using Clock = std::chrono::steady_clock;

void raise_own_file_limit() {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
}

// A blocking TCP connection from `source` (e.g. "127.0.0.2") to
// 127.0.0.1:port, from `source_port` (0: any); -1 when it fails.
int connect_from(const char* source, uint16_t port, uint16_t source_port = 0) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_port = htons(source_port);
  inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  // Without a source port, pick it at connect() (per destination), not
  // here. With one, a server binding that port with SO_REUSEADDR meanwhile
  // is not refused.
  const int yes = 1;
  ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &yes, sizeof yes);
  if (source_port != 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// What arrives on `fd` until the peer closes or `timeout` passes.
std::string read_all(int fd, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = Clock::now() + timeout;
  char buf[4096];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (::poll(&p, 1, static_cast<int>(std::max<long>(left, 1))) <= 0) break;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool is_overload_answer(const std::string& answer) {
  return answer.rfind("HTTP/1.1 503 ", 0) == 0 &&
         answer.find("\r\nRetry-After: ") != std::string::npos &&
         answer.find("\r\nX-Openstack-Request-Id: req-") != std::string::npos;
}

// A child process holding `count` idle connections from 127.0.0.1. Forked
// at construction; told the port with connect().
class IdleHorde {
 public:
  // Connections come from source ports first_port..last_port.
  IdleHorde(size_t count, uint16_t first_port, uint16_t last_port)
      : count_(count), first_port_(first_port), last_port_(last_port) {
    int cmd[2], result[2];
    if (::pipe(cmd) != 0 || ::pipe(result) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(cmd[1]);
      ::close(result[0]);
      child(cmd[0], result[1]);
    }
    ::close(cmd[0]);
    ::close(result[1]);
    cmd_ = cmd[1];
    result_ = result[0];
  }

  ~IdleHorde() {
    ::close(cmd_);  // the child closes everything and exits
    ::close(result_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  // Opens the connections to `port`; returns how many opened.
  uint32_t connect(uint16_t port) {
    send('p', port);
    return receive();
  }

  // How many of the connections were answered 503 with Retry-After.
  uint32_t overload_answers() {
    send('c', 0);
    return receive();
  }

 private:
  void send(char what, uint16_t value) {
    char msg[3] = {what, static_cast<char>(value >> 8), static_cast<char>(value & 0xFF)};
    EXPECT_EQ(::write(cmd_, msg, 3), 3);
  }

  uint32_t receive() {
    uint32_t value = 0;
    EXPECT_EQ(::read(result_, &value, sizeof value), static_cast<ssize_t>(sizeof value));
    return value;
  }

  [[noreturn]] void child(int cmd, int result) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    std::vector<int> fds;
    fds.reserve(count_);
    char msg[3];
    while (::read(cmd, msg, 3) == 3) {
      uint32_t answer = 0;
      if (msg[0] == 'p') {
        const uint16_t port = static_cast<uint16_t>((static_cast<unsigned char>(msg[1]) << 8) |
                                                    static_cast<unsigned char>(msg[2]));
        // Source ports named one by one from our share of the ephemeral
        // range: once half of it is taken, the kernel's own pick slows to a
        // crawl. A port in use elsewhere is skipped.
        for (uint32_t p = first_port_; p <= last_port_ && fds.size() < count_; ++p) {
          const int fd = connect_from("127.0.0.1", port, static_cast<uint16_t>(p));
          if (fd >= 0) fds.push_back(fd);
        }
        answer = static_cast<uint32_t>(fds.size());
      } else {
        answer = count_overload_answers(fds);
      }
      if (::write(result, &answer, sizeof answer) != sizeof answer) break;
    }
    for (int fd : fds) ::close(fd);
    ::_exit(0);
  }

  // Reads every connection until nothing new arrived for a second.
  static uint32_t count_overload_answers(const std::vector<int>& fds) {
    std::vector<pollfd> polls;
    for (int fd : fds) polls.push_back({fd, POLLIN, 0});
    std::vector<std::string> got(fds.size());
    std::vector<bool> done(fds.size(), false);
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
      if (::poll(polls.data(), polls.size(), 1000) <= 0) break;
      for (size_t i = 0; i < polls.size(); ++i) {
        if (done[i] || !(polls[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[1024];
        const ssize_t n = ::read(fds[i], buf, sizeof buf);
        if (n > 0) {
          got[i].append(buf, static_cast<size_t>(n));
        } else {
          done[i] = true;
          polls[i].fd = -1;  // poll ignores it from now on
        }
      }
    }
    uint32_t overloads = 0;
    for (const auto& answer : got) overloads += is_overload_answer(answer) ? 1 : 0;
    return overloads;
  }

  size_t count_;
  uint16_t first_port_;
  uint16_t last_port_;
  pid_t pid_ = -1;
  int cmd_ = -1;
  int result_ = -1;
};

struct Server {
  ApiTestEnv env;
  std::unique_ptr<api::HttpServer> server;

  explicit Server(api::HttpServer::Options options) {
    options.port = 0;
    options.workers = 2;
    server = std::make_unique<api::HttpServer>(*env.router, options);
    server->start();
  }
  uint16_t port() const { return server->port(); }
};

// GET / from `source`; the status (0 when no answer came) and how long it took.
std::pair<int, Clock::duration> get_root(const char* source, uint16_t port) {
  const auto started = Clock::now();
  const int fd = connect_from(source, port);
  if (fd < 0) return {0, Clock::now() - started};
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  const std::string answer = read_all(fd, std::chrono::seconds(10));
  ::close(fd);
  const int status = answer.size() >= 12 ? std::stoi(answer.substr(9, 3)) : 0;
  return {status, Clock::now() - started};
}

TEST(ApiConnections, TwentyThousandIdleSocketsDoNotStarveAnotherClient) {
  raise_own_file_limit();
  // Forked before the server starts threads; each takes half of the usual
  // ephemeral range (32768-60999) for its source ports.
  IdleHorde first(10000, 32768, 46883), second(10000, 46884, 60999);
  api::HttpServer::Options options;
  options.header_timeout = std::chrono::seconds(600);  // the admitted ones stay open
  options.max_connections_per_client = 64;
  Server s(options);

  const auto started = Clock::now();
  ASSERT_EQ(first.connect(s.port()), 10000u);
  ASSERT_EQ(second.connect(s.port()), 10000u);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(30));

  // Another client is served at once.
  const auto [status, took] = get_root("127.0.0.2", s.port());
  EXPECT_EQ(status, 200);
  EXPECT_LT(took, std::chrono::seconds(2));

  // One more from the crowded address is told to come back later.
  const int extra = connect_from("127.0.0.1", s.port());
  ASSERT_GE(extra, 0);
  const std::string answer = read_all(extra, std::chrono::seconds(5));
  ::close(extra);
  EXPECT_TRUE(is_overload_answer(answer)) << answer;
  EXPECT_NE(answer.find("too many connections from your address"), std::string::npos);

  // All but the 64 admitted got the same answer.
  EXPECT_GE(first.overload_answers() + second.overload_answers(), 20000u - 64u);
}

TEST(ApiConnections, StartRaisesTheSoftOpenFileLimitToTheHardOne) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max <= 256) GTEST_SKIP() << "the hard limit is already tiny";
  limit.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  Server s(api::HttpServer::Options{});
  rlimit after{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, limit.rlim_max);
}

TEST(ApiConnections, TheTotalCapAnswers503ToEveryAddress) {
  api::HttpServer::Options options;
  options.header_timeout = std::chrono::seconds(60);
  options.max_connections = 3;
  Server s(options);
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) held.push_back(connect_from("127.0.0.3", s.port()));
  const int fourth = connect_from("127.0.0.4", s.port());
  const std::string answer = read_all(fourth, std::chrono::seconds(5));
  EXPECT_TRUE(is_overload_answer(answer)) << answer;
  EXPECT_NE(answer.find("too many open connections"), std::string::npos);
  ::close(fourth);
  // A slot given back is usable again.
  ::close(held.back());
  held.pop_back();
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (status != 200 && Clock::now() < deadline) status = get_root("127.0.0.4", s.port()).first;
  EXPECT_EQ(status, 200);
  for (int fd : held) ::close(fd);
}

TEST(ApiConnections, OutOfFileDescriptorsTheServerStillAnswersEveryNewcomer) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    // A server process with very few descriptors (and caps that never bite).
    ::close(ready[0]);
    rlimit limit{64, 64};
    setrlimit(RLIMIT_NOFILE, &limit);
    api::HttpServer::Options options;
    options.header_timeout = std::chrono::seconds(60);
    options.max_connections_per_client = 100000;
    Server s(options);
    const uint16_t port = s.port();
    if (::write(ready[1], &port, sizeof port) != sizeof port) ::_exit(1);
    for (;;) ::pause();  // until the test kills it
    ::_exit(0);
  }
  ::close(ready[1]);
  uint16_t port = 0;
  ASSERT_EQ(::read(ready[0], &port, sizeof port), static_cast<ssize_t>(sizeof port));
  std::vector<int> held;
  for (int i = 0; i < 80; ++i) held.push_back(connect_from("127.0.0.1", port));
  // The server ran out of descriptors long before 80; the newest were
  // answered 503 and closed instead of waiting in the backlog.
  size_t overloads = 0;
  for (size_t i = 70; i < held.size(); ++i) {
    overloads += is_overload_answer(read_all(held[i], std::chrono::seconds(3))) ? 1 : 0;
  }
  EXPECT_EQ(overloads, 10u);
  const auto [status, took] = get_root("127.0.0.2", port);
  EXPECT_EQ(status, 503);
  EXPECT_LT(took, std::chrono::seconds(2));
  for (int fd : held) ::close(fd);
  ::kill(child, SIGKILL);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  ::close(ready[0]);
}

}  // namespace
}  // namespace automat::testing
