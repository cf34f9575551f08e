#include "api/http_session.h"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <optional>

#include "api/http_refusals.h"
#include "common/crypto.h"
#include "common/log.h"

namespace automat::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// How long a response may take to be written, and how long (and how much)
// we keep reading after refusing a request, so the client sees the answer
// instead of a reset.
constexpr std::chrono::seconds kWriteTimeout{30};
constexpr std::chrono::seconds kDrainTimeout{2};
constexpr std::chrono::milliseconds kRefusalDrainTimeout{500};
constexpr size_t kDrainBudget = 8 << 20;
// What one read takes while waiting for the next keep-alive request.
constexpr size_t kFirstRead = 4096;

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

Method to_method(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return Method::kGet;
    case http::verb::post:
      return Method::kPost;
    case http::verb::put:
      return Method::kPut;
    case http::verb::patch:
      return Method::kPatch;
    case http::verb::delete_:
      return Method::kDelete;
    case http::verb::head:
      return Method::kHead;
    default:
      return Method::kOther;
  }
}

bool is_disconnect(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
         ec == net::error::connection_reset || ec == net::error::operation_aborted ||
         ec == http::error::partial_message;
}

void log_access(std::string_view method, std::string_view target, int status,
                std::chrono::steady_clock::time_point started) {
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  char ms_text[32];
  std::snprintf(ms_text, sizeof ms_text, "%.3f", ms);
  const std::string_view path = target.substr(0, target.find('?'));
  common::log::info("http.request", {{"method", method.empty() ? "-" : std::string(method)},
                                     {"path", path.empty() ? "-" : std::string(path)},
                                     {"status", std::to_string(status)},
                                     {"ms", ms_text}});
}

// Reads and discards what the peer sends until it closes, the stream's
// deadline passes or `budget` bytes went by; then closes the socket.
class Drain : public std::enable_shared_from_this<Drain> {
 public:
  explicit Drain(beast::tcp_stream& stream, size_t budget) : stream_(stream), budget_(budget) {}
  void start(std::shared_ptr<void> owner) {
    owner_ = std::move(owner);
    on_read({}, 0);
  }

 private:
  void on_read(beast::error_code ec, size_t n) {
    drained_ += n;
    if (ec || drained_ > budget_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.socket().close(ignored);
      owner_.reset();
      return;
    }
    stream_.async_read_some(net::buffer(scratch_),
                            beast::bind_front_handler(&Drain::on_read, shared_from_this()));
  }

  beast::tcp_stream& stream_;
  size_t budget_;
  size_t drained_ = 0;
  std::shared_ptr<void> owner_;  // keeps the stream's owner alive
  std::array<char, 4096> scratch_;
};

// Half-closes `stream`, then drains it for `timeout` (see Drain).
void finish(beast::tcp_stream& stream, std::chrono::milliseconds timeout, size_t budget,
            std::shared_ptr<void> owner) {
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.expires_after(timeout);
  std::make_shared<Drain>(stream, budget)->start(std::move(owner));
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const Router& router, const HttpServer::Options& options,
          std::unique_ptr<ConnectionLimiter::Slot> slot)
      : stream_(std::move(socket)), router_(router), options_(options), slot_(std::move(slot)) {}

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

 private:
  const std::string& request_id() {
    if (request_id_.empty()) request_id_ = new_request_id();
    return request_id_;
  }

  // A request head must be complete within header_timeout.
  void read_header() {
    request_id_.clear();
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(options_.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  // Between keep-alive requests: up to idle_timeout for the next one's
  // first bytes, then header_timeout for the rest of its head.
  void await_request() {
    if (buffer_.size() > 0) return read_header();
    stream_.expires_after(options_.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kFirstRead),
        beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, size_t n) {
    if (ec) return close();
    buffer_.commit(n);
    read_header();
  }

  void on_header(beast::error_code ec, size_t) {
    started_ = std::chrono::steady_clock::now();
    if (ec) return on_read_error(ec);
    if (auto refused = framing_refusal(parser_->get())) return refuse(std::move(*refused));
    if (parser_->is_done()) return handle();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, parser_->get().version());
      return http::async_write(
          stream_, *continue_,
          beast::bind_front_handler(&Session::on_continue_sent, shared_from_this()));
    }
    read_body();
  }

  void on_continue_sent(beast::error_code ec, size_t) {
    if (ec) return close();
    read_body();
  }

  void read_body() {
    stream_.expires_after(options_.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    handle();
  }

  void on_read_error(beast::error_code ec) {
    if (is_disconnect(ec)) return close();
    refuse(read_refusal(ec, options_.max_body_bytes));
  }

  // Answers without reading on: the connection closes after the answer.
  void refuse(Response answer) {
    const auto& msg = parser_->get();
    send(std::move(answer), false, view(msg.method_string()), view(msg.target()));
  }

  void handle() {
    auto& msg = parser_->get();
    Request req;
    req.method = to_method(msg.method());
    req.target = std::string(view(msg.target()));
    req.auth_token = std::string(view(msg["X-Auth-Token"]));
    req.body = std::move(msg.body());
    req.request_id = request_id();
    send(router_.handle(req), msg.keep_alive(), view(msg.method_string()), view(msg.target()));
  }

  void send(Response out, bool keep_alive, std::string_view method, std::string_view target) {
    const common::log::RequestScope scope(request_id());
    log_access(method, target, out.status, started_);
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(out.status));
    res_.set(http::field::content_type, "application/json");
    res_.set("X-Openstack-Request-Id", request_id());
    if (out.status == 503) res_.set(http::field::retry_after, std::to_string(kRetryAfterSeconds));
    if (!out.operation_id.empty()) res_.set("X-Operation-Id", out.operation_id);
    if (!out.allow.empty()) res_.set(http::field::allow, out.allow);
    res_.keep_alive(keep_alive);
    res_.body() = std::move(out.body);
    res_.prepare_payload();
    stream_.expires_after(kWriteTimeout);
    http::async_write(
        stream_, res_,
        beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, size_t) {
    if (ec) return close();
    if (keep_alive) return await_request();
    finish(stream_, kDrainTimeout, kDrainBudget, shared_from_this());
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  const Router& router_;
  const HttpServer::Options& options_;
  std::unique_ptr<ConnectionLimiter::Slot> slot_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> res_;
  std::chrono::steady_clock::time_point started_;
  std::string request_id_;
};

// A connection answered 503 before anything was read from it.
class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  Refusal(tcp::socket&& socket, std::string answer)
      : stream_(std::move(socket)), answer_(std::move(answer)) {}

  void start() {
    stream_.expires_after(kRefusalDrainTimeout);
    net::async_write(stream_, net::buffer(answer_),
                     beast::bind_front_handler(&Refusal::on_write, shared_from_this()));
  }

 private:
  void on_write(beast::error_code ec, size_t) {
    if (ec) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return;
    }
    finish(stream_, kRefusalDrainTimeout, kFirstRead * 4, shared_from_this());
  }

  beast::tcp_stream stream_;
  std::string answer_;
};

}  // namespace

std::string new_request_id() { return "req-" + common::crypto::uuid4(); }

void start_session(tcp::socket socket, const Router& router, const HttpServer::Options& options,
                   std::unique_ptr<ConnectionLimiter::Slot> slot) {
  std::make_shared<Session>(std::move(socket), router, options, std::move(slot))->start();
}

void start_refusal(tcp::socket socket, std::string answer) {
  std::make_shared<Refusal>(std::move(socket), std::move(answer))->start();
}

}  // namespace automat::api
