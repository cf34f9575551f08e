#pragma once
// One client connection of the HTTP server (http_server.h holds the
// promises): reads a request head within the header timeout, refuses
// framing it will not guess at, reads the body, hands the request to the
// Router with a fresh request id, writes the answer, and repeats while
// keep-alive, waiting at most the idle timeout for the next request. Holds
// its connection-limiter slot until it ends.
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "api/connection_limiter.h"
#include "api/http_server.h"
#include "api/router.h"

namespace automat::api {

// Starts serving `socket` on its own strand. `router` and `options` must
// outlive every session.
void start_session(boost::asio::ip::tcp::socket socket, const Router& router,
                   const HttpServer::Options& options,
                   std::unique_ptr<ConnectionLimiter::Slot> slot);

// Writes `answer` (complete HTTP bytes) to `socket`, half-closes it, reads
// and discards what the client still sends for a moment so it sees the
// answer rather than a reset, then closes it. For a connection refused
// before any request was read.
void start_refusal(boost::asio::ip::tcp::socket socket, std::string answer);

// A fresh request id: "req-" followed by a random UUID.
std::string new_request_id();

}  // namespace automat::api
