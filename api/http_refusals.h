#pragma once
// What the HTTP server answers itself, before (or instead of) the router,
// and in which words: message framing it will not guess at, HTTP it could
// not read, and connections over a cap. Every answer is a Trove fault body
// in the project's own sentences (never the HTTP library's).
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/fields.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "api/http_message.h"

namespace automat::api {

// Seconds a client is asked to wait (Retry-After) after a 503.
inline constexpr int kRetryAfterSeconds = 1;

// The refusal of a request whose head says how its body is framed in a way
// the server does not accept; nullopt when the framing is fine:
//   Transfer-Encoding and Content-Length together        -> 400
//   Transfer-Encoding listing chunked more than once     -> 400
//   Transfer-Encoding other than exactly "chunked"       -> 501
// (identity, gzip, xchunked, "gzip, chunked", ...). After any of these the
// connection must be closed: where the body ends is unknown.
std::optional<Response> framing_refusal(const boost::beast::http::fields& head);

// The answer to a request that could not be read (`ec` from the parser):
// 413 for a body over `max_body` bytes, 400 naming what is malformed.
Response read_refusal(boost::beast::error_code ec, size_t max_body);

// A complete HTTP/1.1 response, as bytes: 503 serviceUnavailable with
// Retry-After, X-Openstack-Request-Id: `request_id` and Connection: close,
// for a connection over a cap. `why` ends the message ("too many
// connections from your address").
std::string overload_answer(const std::string& why, const std::string& request_id);

}  // namespace automat::api
