#include "api/http_server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <limits>
#include <thread>
#include <vector>

#include "api/connection_limiter.h"
#include "api/http_refusals.h"
#include "api/http_session.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::api {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// File descriptors kept out of max_connections: the database pool, the
// broker, logs and connections being refused.
constexpr size_t kReservedDescriptors = 512;

// Raises the soft open-file limit to the hard one; returns the soft limit.
size_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = before;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return std::numeric_limits<size_t>::max();
  return static_cast<size_t>(limit.rlim_cur);
}

// The client's address as text (v4-mapped IPv6 as IPv4); empty when the
// peer is already gone.
std::string client_of(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return {};
  net::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

int open_spare_descriptor() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const Router& router, Options options)
      : router_(router),
        options_(std::move(options)),
        ioc_(std::max(1, options_.workers)),
        acceptor_(net::make_strand(ioc_)),
        retry_(acceptor_.get_executor()) {}

  ~Impl() {
    if (spare_fd_ >= 0) ::close(spare_fd_);
  }

  void start() {
    const size_t descriptors = raise_open_file_limit();
    size_t total = options_.max_connections;
    if (descriptors > 2 * kReservedDescriptors && total > descriptors - kReservedDescriptors) {
      total = descriptors - kReservedDescriptors;
    }
    limiter_ = std::make_unique<ConnectionLimiter>(total, options_.max_connections_per_client);
    spare_fd_ = open_spare_descriptor();

    const tcp::endpoint endpoint = resolve();
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    // Synchronous accepts (shed_one) must never wait.
    if (!ec) acceptor_.non_blocking(true, ec);
    if (ec) {
      throw common::unavailable("cannot listen on " + options_.host + ":" +
                                std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    for (int i = 0; i < std::max(1, options_.workers); ++i)
      threads_.emplace_back([this] { run(); });
    common::log::info("api.listening",
                      {{"host", options_.host},
                       {"port", std::to_string(port_)},
                       {"workers", std::to_string(threads_.size())},
                       {"open_files", std::to_string(descriptors)},
                       {"max_connections", std::to_string(limiter_->max_total())},
                       {"max_connections_per_client", std::to_string(limiter_->max_per_client())},
                       {"header_timeout_s", std::to_string(options_.header_timeout.count())}});
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

  // Runs on the acceptor's strand, one at a time.
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec == net::error::no_descriptors || ec.value() == ENFILE) {
      if (shed_one()) return accept();
    }
    if (ec) {
      common::log::warn("api.accept_failed", {{"error", ec.message()}});
      retry_.expires_after(std::chrono::milliseconds(10));
      retry_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    const std::string client = client_of(socket);
    if (client.empty()) return accept();  // gone before we looked
    ConnectionLimiter::Refusal why = ConnectionLimiter::Refusal::kNone;
    auto slot = limiter_->admit(client, &why);
    if (!slot) {
      note_refusal(client);
      start_refusal(std::move(socket),
                    overload_answer(why == ConnectionLimiter::Refusal::kClient
                                        ? "too many connections from your address"
                                        : "too many open connections",
                                    new_request_id()));
      return accept();
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    start_session(std::move(socket), router_, options_, std::move(slot));
    accept();
  }

  // Out of file descriptors: gives up the spare one to accept the waiting
  // connection, tells it 503 in one non-blocking write, closes it and takes
  // the spare back. False when no connection could be taken that way (no
  // spare, or another thread took the descriptor first): the caller backs
  // off a moment instead of spinning.
  bool shed_one() {
    if (spare_fd_ < 0) spare_fd_ = open_spare_descriptor();
    if (spare_fd_ < 0) return false;
    ::close(spare_fd_);
    spare_fd_ = -1;
    beast::error_code ec;
    tcp::socket socket = acceptor_.accept(ec);
    const bool taken = !ec;
    if (taken) {
      const std::string answer =
          overload_answer("the server is out of connections", new_request_id());
      socket.non_blocking(true, ec);
      socket.send(net::buffer(answer), 0, ec);
      socket.shutdown(tcp::socket::shutdown_send, ec);
      socket.close(ec);
      note_refusal("-");
    }
    spare_fd_ = open_spare_descriptor();
    return taken;
  }

  // One log line a second at most, counting the connections refused.
  void note_refusal(const std::string& client) {
    ++refused_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_refusal_log_ < std::chrono::seconds(1)) return;
    common::log::warn("api.connections_refused", {{"count", std::to_string(refused_)},
                                                  {"last_client", client},
                                                  {"open", std::to_string(limiter_->open())}});
    refused_ = 0;
    last_refusal_log_ = now;
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
  // Before ioc_: sessions still queued in ioc_ give their slots back to it
  // when ioc_ is destroyed.
  std::unique_ptr<ConnectionLimiter> limiter_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  int spare_fd_ = -1;
  size_t refused_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_{};
};

HttpServer::HttpServer(const Router& router, Options options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() { impl_->start(); }

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::stop() { impl_->stop(); }

}  // namespace automat::api
