#pragma once
// The HTTP/1.1 front of automat-api (Boost.Beast): keep-alive connections,
// asynchronous accept/read/write on a pool of worker threads, each request
// handed to the Router. What it promises whatever clients do:
//   - accept never stalls: connections over max_connections (in total) or
//     max_connections_per_client (from one address) are answered 503 with
//     Retry-After and closed, and when file descriptors run out anyway a
//     spare one is given up to answer and close the newcomer;
//   - a connection that has not sent a complete request head within
//     header_timeout is closed, and one idle between requests for
//     idle_timeout;
//   - bodies over the limit answer 413 before they are read, a body framed
//     by anything but Content-Length or Transfer-Encoding: chunked alone
//     400/501, malformed HTTP 400, each in the project's words;
//   - every response carries X-Openstack-Request-Id: req-<uuid> (503s also
//     Retry-After), and every log line written while serving a request
//     carries that id; one access log line per request (method, path,
//     status, ms; never headers or bodies).
// start() raises the process's soft open-file limit to its hard limit.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/router.h"

namespace automat::api {

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 8779;  // 0: pick a free port (see port())
    int workers = 4;
    size_t max_body_bytes = 1 << 20;
    // A keep-alive connection idle between requests this long, or a body
    // not fully received this long after its head, is closed.
    std::chrono::seconds idle_timeout{60};
    // A request head (request line and headers) must arrive complete this
    // long after the connection opens or the request's first byte.
    std::chrono::seconds header_timeout{5};
    // Open connections allowed in total and from one client address; at
    // start the total is lowered to fit the open-file limit.
    size_t max_connections = 10000;
    size_t max_connections_per_client = 256;
  };

  // `router` must outlive the server.
  HttpServer(const Router& router, Options options);
  // Stops the server if it runs.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, then serves on `workers` threads and returns.
  // Throws common::Error(kUnavailable) when the address cannot be bound.
  void start();
  // The port listened on (the chosen one when Options::port was 0).
  uint16_t port() const;
  // Stops accepting, drops open connections and joins the workers.
  // Idempotent; safe from any thread but a worker.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace automat::api
