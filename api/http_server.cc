#include "api/http_server.h"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include "api/responses.h"
#include "common/error.h"
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
constexpr size_t kDrainBudget = 8 << 20;

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

// The answer to a request that could not be read.
Response refusal(beast::error_code ec, size_t max_body) {
  if (ec == http::error::body_limit) {
    return error_response(common::ErrorCode::kOverLimit,
                          "the request body is larger than " + std::to_string(max_body) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return error_response(common::ErrorCode::kBadRequest, "the request headers are too large");
  }
  return error_response(common::ErrorCode::kBadRequest, "malformed HTTP request: " + ec.message());
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

// One client connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const Router& router, const HttpServer::Options& options)
      : stream_(std::move(socket)), router_(router), options_(options) {}

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(options_.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    started_ = std::chrono::steady_clock::now();
    if (ec) return on_read_error(ec);
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
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    handle();
  }

  void on_read_error(beast::error_code ec) {
    if (is_disconnect(ec)) return close();
    const auto& msg = parser_->get();
    send(refusal(ec, options_.max_body_bytes), false, view(msg.method_string()),
         view(msg.target()));
  }

  void handle() {
    auto& msg = parser_->get();
    Request req;
    req.method = to_method(msg.method());
    req.target = std::string(view(msg.target()));
    req.auth_token = std::string(view(msg["X-Auth-Token"]));
    req.host = std::string(view(msg[http::field::host]));
    req.body = std::move(msg.body());
    send(router_.handle(req), msg.keep_alive(), view(msg.method_string()), view(msg.target()));
  }

  void send(Response out, bool keep_alive, std::string_view method, std::string_view target) {
    log_access(method, target, out.status, started_);
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(out.status));
    res_.set(http::field::content_type, "application/json");
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
    if (keep_alive) return read_header();
    // Half-close, then discard what the client still sends for a moment so
    // it reads our answer rather than a connection reset.
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTimeout);
    drain(ignored, 0);
  }

  void drain(beast::error_code ec, size_t n) {
    drained_ += n;
    if (ec || drained_ > kDrainBudget) return close();
    stream_.async_read_some(net::buffer(scratch_),
                            beast::bind_front_handler(&Session::drain, shared_from_this()));
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
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> res_;
  std::chrono::steady_clock::time_point started_;
  std::array<char, 4096> scratch_;
  size_t drained_ = 0;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const Router& router, Options options)
      : router_(router),
        options_(std::move(options)),
        ioc_(std::max(1, options_.workers)),
        acceptor_(net::make_strand(ioc_)),
        retry_(acceptor_.get_executor()) {}

  void start() {
    const tcp::endpoint endpoint = resolve();
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      throw common::unavailable("cannot listen on " + options_.host + ":" +
                                std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    for (int i = 0; i < std::max(1, options_.workers); ++i)
      threads_.emplace_back([this] { run(); });
    common::log::info("api.listening", {{"host", options_.host},
                                        {"port", std::to_string(port_)},
                                        {"workers", std::to_string(threads_.size())}});
  }

  uint16_t port() const { return port_; }

  void stop() {
    if (stopped_.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  tcp::endpoint resolve() {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      throw common::unavailable("cannot resolve bind address " + options_.host + ": " +
                                ec.message());
    }
    return results.begin()->endpoint();
  }

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Impl::on_accept, this));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // E.g. out of file descriptors: wait a little instead of spinning.
      common::log::warn("api.accept_failed", {{"error", ec.message()}});
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(std::move(socket), router_, options_)->start();
    accept();
  }

  // A worker: serves until stop(); an escaped exception is logged, never fatal.
  void run() {
    while (!ioc_.stopped()) {
      try {
        ioc_.run();
      } catch (const std::exception& e) {
        common::log::error("api.worker_error", {{"error", e.what()}});
      }
    }
  }

  const Router& router_;
  const Options options_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

HttpServer::HttpServer(const Router& router, Options options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() { impl_->start(); }

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::stop() { impl_->stop(); }

}  // namespace automat::api
