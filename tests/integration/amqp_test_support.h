#pragma once
// Helpers for tests against the real RabbitMQ of AUTOMAT_TEST_AMQP_URL: a
// raw rabbitmq-c connection to inspect and clean up queues behind the backs
// of the code under test, unique queue names, and a way to cut this
// process's broker connections (as a network failure would).
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "common/crypto.h"

namespace automat::testing {

// The broker URL; throws (so the test fails, never skips) when unset.
inline std::string amqp_test_url() {
  const char* url = std::getenv("AUTOMAT_TEST_AMQP_URL");
  if (!url || !*url) throw std::runtime_error("AUTOMAT_TEST_AMQP_URL is not set");
  return url;
}

inline std::string unique_queue(const std::string& what) {
  return "automat.it." + what + "." + common::crypto::random_hex(6);
}

// A plain connection for inspecting queues. Uses the URL's host and port
// with the default vhost and guest-style credentials from the URL.
class RawAmqp {
 public:
  RawAmqp() : conn_(amqp_new_connection()) {
    amqp_connection_info info;
    url_copy_ = amqp_test_url();
    if (amqp_parse_url(url_copy_.data(), &info) != AMQP_STATUS_OK) {
      throw std::runtime_error("bad AUTOMAT_TEST_AMQP_URL");
    }
    port_ = info.port;
    amqp_socket_t* s = amqp_tcp_socket_new(conn_);
    if (amqp_socket_open(s, info.host, info.port) != AMQP_STATUS_OK) {
      throw std::runtime_error("cannot reach the test broker");
    }
    const char* vhost = (info.vhost && *info.vhost) ? info.vhost : "/";
    expect_ok(
        amqp_login(conn_, vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password));
    amqp_channel_open(conn_, 1);
    expect_ok(amqp_get_rpc_reply(conn_));
  }
  ~RawAmqp() {
    amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn_);
  }
  RawAmqp(const RawAmqp&) = delete;
  RawAmqp& operator=(const RawAmqp&) = delete;

  int port() const { return port_; }

  // Messages ready in `queue` (not counting unacknowledged ones).
  uint32_t ready(const std::string& queue) {
    auto* ok = amqp_queue_declare(conn_, 1, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0,
                                  amqp_empty_table);
    expect_ok(amqp_get_rpc_reply(conn_));
    return ok->message_count;
  }

  // Takes one message with basic.get (auto-ack); returns its delivery mode
  // and body, or nullopt when the queue is empty.
  std::optional<std::pair<int, std::string>> get(const std::string& queue) {
    amqp_rpc_reply_t r = amqp_basic_get(conn_, 1, amqp_cstring_bytes(queue.c_str()), 1);
    expect_ok(r);
    if (r.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return std::nullopt;
    amqp_message_t msg;
    expect_ok(amqp_read_message(conn_, 1, &msg, 0));
    std::pair<int, std::string> out{msg.properties.delivery_mode,
                                    std::string(static_cast<char*>(msg.body.bytes), msg.body.len)};
    amqp_destroy_message(&msg);
    return out;
  }

  // True when declaring `queue` non-durable is refused, i.e. it exists durable.
  // Leaves this connection's channel reopened.
  bool is_durable(const std::string& queue) {
    amqp_queue_declare(conn_, 1, amqp_cstring_bytes(queue.c_str()), 0, /*durable=*/0, 0, 0,
                       amqp_empty_table);
    const bool refused = amqp_get_rpc_reply(conn_).reply_type == AMQP_RESPONSE_SERVER_EXCEPTION;
    if (refused) {
      amqp_channel_close_ok_t close_ok;
      amqp_send_method(conn_, 1, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok);
      amqp_channel_open(conn_, 1);
      expect_ok(amqp_get_rpc_reply(conn_));
    }
    return refused;
  }

  void delete_queue(const std::string& queue) {
    amqp_queue_delete(conn_, 1, amqp_cstring_bytes(queue.c_str()), 0, 0);
    expect_ok(amqp_get_rpc_reply(conn_));
  }

 private:
  static void expect_ok(const amqp_rpc_reply_t& r) {
    if (r.reply_type != AMQP_RESPONSE_NORMAL) throw std::runtime_error("raw AMQP call failed");
  }

  amqp_connection_state_t conn_;
  std::string url_copy_;
  int port_ = 5672;
};

// The file descriptors of this process's TCP connections to `port`.
inline std::set<int> sockets_to_port(int port) {
  std::set<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return fds;
  while (dirent* e = readdir(dir)) {
    const int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    int peer_port = 0;
    if (peer.ss_family == AF_INET) {
      peer_port = ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      peer_port = ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port);
    }
    if (peer_port == port) fds.insert(fd);
  }
  closedir(dir);
  return fds;
}

// Cuts the connections in `fds` as a network failure would (the broker sees
// them close; the owner's next read or write fails).
inline void cut(const std::set<int>& fds) {
  for (int fd : fds) shutdown(fd, SHUT_RDWR);
}

}  // namespace automat::testing
