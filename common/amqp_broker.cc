// rabbitmq-c (0.11) implementation of common/broker.h.
//
// One connection with one channel per Publisher / Consumer. A failed
// connection is dropped and a new one is opened on the next call, so callers
// never hold a half-broken channel. The URL's password is never logged.
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <cctype>
#include <mutex>
#include <set>

#include "common/broker.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::common {
namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr int kFrameMax = 131072;
constexpr int kConsumerHeartbeatSeconds = 60;
constexpr std::chrono::seconds kConnectTimeout{5};
constexpr std::chrono::seconds kRpcTimeout{10};
constexpr std::chrono::seconds kConfirmTimeout{10};
// Delivery tags handed to callers carry the connection generation in their
// top bits, so an ack for a message of a lost connection is recognised
// instead of being sent (and rejected) on the new channel.
constexpr int kGenerationShift = 48;
constexpr uint64_t kBrokerTagMask = (uint64_t{1} << kGenerationShift) - 1;

struct AmqpUrl {
  std::string host;
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
  std::string where() const { return host + ":" + std::to_string(port) + " vhost " + vhost; }
};

std::string percent_decode(const std::string& s, const std::string& what) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      throw bad_request("amqp_url: bad percent escape in the " + what);
    }
    out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return out;
}

// amqp://user:password@host:port/vhost; throws kBadRequest when malformed.
AmqpUrl parse_amqp_url(const std::string& url) {
  const std::string scheme = "amqp://";
  if (url.rfind(scheme, 0) != 0) throw bad_request("amqp_url must start with amqp://");
  AmqpUrl out;
  std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  const std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!path.empty()) out.vhost = percent_decode(path, "vhost");
  std::string hostport = authority;
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    const std::string userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    out.user = percent_decode(userinfo.substr(0, colon), "user");
    out.password =
        colon == std::string::npos ? "" : percent_decode(userinfo.substr(colon + 1), "password");
  }
  std::string port;
  if (!hostport.empty() && hostport[0] == '[') {  // [::1]:5672
    const auto close = hostport.find(']');
    if (close == std::string::npos) throw bad_request("amqp_url: unterminated [ in host");
    out.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':')
      port = hostport.substr(close + 2);
  } else {
    const auto colon = hostport.rfind(':');
    out.host = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
  }
  if (out.host.empty()) throw bad_request("amqp_url has no host");
  if (!port.empty()) {
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
        std::stoi(port) == 0 || std::stoi(port) > 65535) {
      throw bad_request("amqp_url has a bad port '" + port + "'");
    }
    out.port = std::stoi(port);
  }
  return out;
}

timeval to_timeval(std::chrono::microseconds d) {
  if (d.count() < 0) d = std::chrono::microseconds(0);
  return timeval{static_cast<time_t>(d.count() / 1000000),
                 static_cast<suseconds_t>(d.count() % 1000000)};
}

std::string bytes_text(amqp_bytes_t b) {
  return std::string(static_cast<const char*>(b.bytes), b.len);
}

// Human text for an RPC reply that was not NORMAL.
std::string reply_text(const amqp_rpc_reply_t& r) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "no reply from the broker";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(r.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      break;
  }
  if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
    return "connection closed by the broker: " + std::to_string(m->reply_code) + " " +
           bytes_text(m->reply_text);
  }
  if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    auto* m = static_cast<amqp_channel_close_t*>(r.reply.decoded);
    return "channel closed by the broker: " + std::to_string(m->reply_code) + " " +
           bytes_text(m->reply_text);
  }
  return "unexpected broker method " + std::to_string(r.reply.id);
}

// One open connection with channel kChannel, logged in. Destroying it closes
// it politely when it is still healthy.
class Connection {
 public:
  Connection(const AmqpUrl& url, int heartbeat_seconds)
      : url_(url), owner_(amqp_new_connection(), &amqp_destroy_connection), conn_(owner_.get()) {
    if (!conn_) fail("out of memory");
    amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
    if (!socket) fail("cannot create a socket");
    timeval connect_tv = to_timeval(kConnectTimeout);
    if (int rc = amqp_socket_open_noblock(socket, url_.host.c_str(), url_.port, &connect_tv)) {
      fail(std::string("cannot connect: ") + amqp_error_string2(rc));
    }
    timeval rpc_tv = to_timeval(kRpcTimeout);
    amqp_set_handshake_timeout(conn_, &rpc_tv);
    amqp_set_rpc_timeout(conn_, &rpc_tv);
    check(amqp_login(conn_, url_.vhost.c_str(), 0, kFrameMax, heartbeat_seconds,
                     AMQP_SASL_METHOD_PLAIN, url_.user.c_str(), url_.password.c_str()),
          "login as user " + url_.user);
    amqp_channel_open(conn_, kChannel);
    check(amqp_get_rpc_reply(conn_), "opening a channel");
  }

  ~Connection() {
    if (healthy_) {
      amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
      amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
    }
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  amqp_connection_state_t get() const { return conn_; }

  // Throws kUnavailable (and marks the connection unusable) unless `r` is NORMAL.
  void check(const amqp_rpc_reply_t& r, const std::string& what) {
    if (r.reply_type != AMQP_RESPONSE_NORMAL) fail(what + ": " + reply_text(r));
  }
  void check_status(int status, const std::string& what) {
    if (status != AMQP_STATUS_OK) fail(what + ": " + amqp_error_string2(status));
  }
  // Skips the polite close on destruction (the broker already closed it).
  void mark_broken() { healthy_ = false; }
  [[noreturn]] void fail(const std::string& what) {
    healthy_ = false;
    throw unavailable("message broker unavailable: " + what + " (" + url_.where() + ")");
  }

  void declare_durable(const std::string& queue) {
    amqp_queue_declare(conn_, kChannel, amqp_cstring_bytes(queue.c_str()), /*passive=*/0,
                       /*durable=*/1, /*exclusive=*/0, /*auto_delete=*/0, amqp_empty_table);
    check(amqp_get_rpc_reply(conn_), "declaring queue " + queue);
  }

 private:
  const AmqpUrl url_;
  std::unique_ptr<amqp_connection_state_t_, int (*)(amqp_connection_state_t)> owner_;
  amqp_connection_state_t conn_;
  bool healthy_ = true;
};

class AmqpPublisher final : public Publisher {
 public:
  explicit AmqpPublisher(AmqpUrl url) : url_(std::move(url)) {}

  void publish(const std::string& queue, const std::string& body) override {
    std::lock_guard<std::mutex> lock(mu_);
    const bool reused = conn_ != nullptr;
    try {
      publish_once(queue, body);
      return;
    } catch (const Error& e) {
      drop();
      // A connection that sat idle may have been closed by the broker
      // meanwhile: one retry on a fresh connection (at-least-once delivery).
      if (!reused) throw;
      log::warn("amqp.publish_retry", {{"queue", queue}, {"reason", e.what()}});
    }
    try {
      publish_once(queue, body);
    } catch (const Error&) {
      drop();
      throw;
    }
  }

 private:
  void publish_once(const std::string& queue, const std::string& body) {
    if (!conn_) open();
    if (!declared_.count(queue)) {
      conn_->declare_durable(queue);
      declared_.insert(queue);
    }
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    props.content_type = amqp_cstring_bytes("application/x-protobuf");
    amqp_bytes_t payload{body.size(), const_cast<char*>(body.data())};
    conn_->check_status(amqp_basic_publish(conn_->get(), kChannel, amqp_empty_bytes,
                                           amqp_cstring_bytes(queue.c_str()), /*mandatory=*/1,
                                           /*immediate=*/0, &props, payload),
                        "publishing to " + queue);
    wait_for_confirm(++seq_, queue);
    amqp_maybe_release_buffers(conn_->get());
  }

  void open() {
    conn_ = std::make_unique<Connection>(url_, /*heartbeat=*/0);
    amqp_confirm_select(conn_->get(), kChannel);
    conn_->check(amqp_get_rpc_reply(conn_->get()), "enabling publisher confirms");
    seq_ = 0;
    log::info("amqp.publisher_connected", {{"broker", url_.where()}, {"user", url_.user}});
  }

  void drop() {
    conn_.reset();
    declared_.clear();
  }

  // True when a confirm for `tag` (and earlier ones when `multiple`) covers `seq`.
  static bool covers(uint64_t tag, bool multiple, uint64_t seq) {
    return tag == seq || (multiple && tag > seq);
  }

  // Reads frames until the broker acks (returns) or nacks / returns /
  // closes (throws) publication number `seq`.
  void wait_for_confirm(uint64_t seq, const std::string& queue) {
    const auto deadline = std::chrono::steady_clock::now() + kConfirmTimeout;
    bool returned = false;
    for (;;) {
      amqp_frame_t frame;
      timeval tv = to_timeval(std::chrono::duration_cast<std::chrono::microseconds>(
          deadline - std::chrono::steady_clock::now()));
      const int rc = amqp_simple_wait_frame_noblock(conn_->get(), &frame, &tv);
      if (rc == AMQP_STATUS_TIMEOUT) conn_->fail("no publisher confirm for " + queue);
      conn_->check_status(rc, "waiting for the publisher confirm");
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      const amqp_method_t& m = frame.payload.method;
      if (m.id == AMQP_BASIC_ACK_METHOD) {
        auto* ack = static_cast<amqp_basic_ack_t*>(m.decoded);
        if (!covers(ack->delivery_tag, ack->multiple, seq)) continue;
        if (returned) conn_->fail("queue " + queue + " does not exist (message returned)");
        return;
      }
      if (m.id == AMQP_BASIC_NACK_METHOD) {
        auto* nack = static_cast<amqp_basic_nack_t*>(m.decoded);
        if (covers(nack->delivery_tag, nack->multiple, seq)) {
          conn_->fail("the broker refused the message for " + queue);
        }
        continue;
      }
      if (m.id == AMQP_BASIC_RETURN_METHOD) {
        amqp_message_t msg;
        conn_->check(amqp_read_message(conn_->get(), frame.channel, &msg, 0),
                     "reading a returned message");
        amqp_destroy_message(&msg);
        returned = true;
        continue;
      }
      if (m.id == AMQP_CHANNEL_CLOSE_METHOD || m.id == AMQP_CONNECTION_CLOSE_METHOD) {
        amqp_rpc_reply_t r{AMQP_RESPONSE_SERVER_EXCEPTION, m, 0};
        conn_->fail(reply_text(r));
      }
    }
  }

  const AmqpUrl url_;
  std::mutex mu_;
  std::unique_ptr<Connection> conn_;
  std::set<std::string> declared_;
  uint64_t seq_ = 0;
};

class AmqpConsumer final : public Consumer {
 public:
  AmqpConsumer(AmqpUrl url, std::string queue, uint16_t prefetch)
      : url_(std::move(url)), queue_(std::move(queue)), prefetch_(prefetch) {}

  std::optional<Delivery> next(std::chrono::milliseconds timeout) override {
    if (!conn_) open();
    amqp_maybe_release_buffers(conn_->get());
    amqp_envelope_t env;
    timeval tv = to_timeval(timeout);
    const amqp_rpc_reply_t r = amqp_consume_message(conn_->get(), &env, &tv, 0);
    if (r.reply_type == AMQP_RESPONSE_NORMAL) {
      Delivery d{(generation_ << kGenerationShift) | env.delivery_tag, bytes_text(env.message.body),
                 env.redelivered != 0};
      amqp_destroy_envelope(&env);
      return d;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
      if (r.library_error == AMQP_STATUS_TIMEOUT) return std::nullopt;
      if (r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        handle_other_frame();
        return std::nullopt;
      }
    }
    lose("receiving from " + queue_ + ": " + reply_text(r));
  }

  void ack(uint64_t tag, bool multiple) override {
    if (!owns(tag, "amqp.ack_stale")) return;
    const int rc = amqp_basic_ack(conn_->get(), kChannel, tag & kBrokerTagMask, multiple);
    if (rc != AMQP_STATUS_OK) lose(std::string("acknowledging: ") + amqp_error_string2(rc));
  }

  void reject(uint64_t tag, bool requeue) override {
    if (!owns(tag, "amqp.reject_stale")) return;
    const int rc = amqp_basic_reject(conn_->get(), kChannel, tag & kBrokerTagMask, requeue);
    if (rc != AMQP_STATUS_OK) lose(std::string("rejecting: ") + amqp_error_string2(rc));
  }

 private:
  void open() {
    auto conn = std::make_unique<Connection>(url_, kConsumerHeartbeatSeconds);
    conn->declare_durable(queue_);
    amqp_basic_qos(conn->get(), kChannel, 0, prefetch_, 0);
    conn->check(amqp_get_rpc_reply(conn->get()), "setting prefetch");
    amqp_basic_consume(conn->get(), kChannel, amqp_cstring_bytes(queue_.c_str()), amqp_empty_bytes,
                       /*no_local=*/0, /*no_ack=*/0, /*exclusive=*/0, amqp_empty_table);
    conn->check(amqp_get_rpc_reply(conn->get()), "consuming from " + queue_);
    conn_ = std::move(conn);
    ++generation_;
    log::info("amqp.consumer_connected", {{"broker", url_.where()},
                                          {"user", url_.user},
                                          {"queue", queue_},
                                          {"prefetch", std::to_string(prefetch_)}});
  }

  // True when `tag` came from the current connection. Messages of a lost
  // connection are redelivered by the broker; acking them is meaningless.
  bool owns(uint64_t tag, const char* stale_event) {
    if (conn_ && (tag >> kGenerationShift) == generation_) return true;
    log::warn(stale_event, {{"queue", queue_}, {"tag", std::to_string(tag & kBrokerTagMask)}});
    return false;
  }

  // A frame other than a delivery arrived: the broker cancelled the consumer
  // (queue deleted) or closed the channel. Either way start over.
  void handle_other_frame() {
    amqp_frame_t frame;
    conn_->check_status(amqp_simple_wait_frame(conn_->get(), &frame), "reading a frame");
    if (frame.frame_type != AMQP_FRAME_METHOD) return;
    const amqp_method_number_t id = frame.payload.method.id;
    if (id == AMQP_BASIC_CANCEL_METHOD || id == AMQP_CHANNEL_CLOSE_METHOD ||
        id == AMQP_CONNECTION_CLOSE_METHOD) {
      log::warn("amqp.consumer_interrupted", {{"queue", queue_}, {"method", std::to_string(id)}});
      conn_->mark_broken();
      conn_.reset();
    }
  }

  [[noreturn]] void lose(const std::string& what) {
    try {
      conn_->fail(what);
    } catch (const Error&) {
      conn_.reset();
      throw;
    }
  }

  const AmqpUrl url_;
  const std::string queue_;
  const uint16_t prefetch_;
  std::unique_ptr<Connection> conn_;
  uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Publisher> make_amqp_publisher(const std::string& url) {
  return std::make_unique<AmqpPublisher>(parse_amqp_url(url));
}

std::unique_ptr<Consumer> make_amqp_consumer(const std::string& url, const std::string& queue,
                                             uint16_t prefetch) {
  return std::make_unique<AmqpConsumer>(parse_amqp_url(url), queue, prefetch);
}

}  // namespace automat::common
