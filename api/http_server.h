#pragma once
// The HTTP/1.1 front of automat-api (Boost.Beast): keep-alive connections,
// asynchronous accept/read/write on a pool of worker threads, each request
// handed to the Router. Bodies over the limit answer 413 before they are
// read, malformed HTTP 400; one access log line per request (method, path,
// status, ms; never headers or bodies).
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
    // A keep-alive connection idle (or a request not fully received) this
    // long is closed.
    std::chrono::seconds idle_timeout{60};
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
