#include "api/http_refusals.h"

#include <boost/beast/core/string.hpp>
#include <string_view>
#include <vector>

#include "api/responses.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

namespace http = boost::beast::http;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The codings of every Transfer-Encoding line, in order, empty elements
// left out ("chunked, ,gzip" -> chunked, gzip).
std::vector<std::string_view> codings(const http::fields& head) {
  std::vector<std::string_view> out;
  for (const auto& field : head) {
    if (field.name() != http::field::transfer_encoding) continue;
    std::string_view value(field.value().data(), field.value().size());
    while (true) {
      const size_t comma = value.find(',');
      const std::string_view item = trim(value.substr(0, comma));
      if (!item.empty()) out.push_back(item);
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return out;
}

// What is malformed, for the parser's error codes a client can cause.
const char* malformed(boost::beast::error_code ec) {
  if (ec == http::error::bad_line_ending) return "a line does not end with CRLF";
  if (ec == http::error::bad_method) return "the method is not valid";
  if (ec == http::error::bad_target) return "the request target is not valid";
  if (ec == http::error::bad_version) return "the HTTP version is not valid";
  if (ec == http::error::bad_field) return "a header name is not valid";
  if (ec == http::error::bad_value) return "a header value is not valid";
  if (ec == http::error::bad_obs_fold) return "a header is folded over lines";
  if (ec == http::error::bad_content_length) {
    return "Content-Length is not valid (or comes with Transfer-Encoding)";
  }
  if (ec == http::error::bad_transfer_encoding) {
    return "Transfer-Encoding is not valid (given twice, or with Content-Length)";
  }
  if (ec == http::error::bad_chunk) return "a chunk of the body is not valid";
  if (ec == http::error::bad_chunk_extension) return "a chunk extension is not valid";
  return "it could not be read as HTTP/1.1";
}

}  // namespace

std::optional<Response> framing_refusal(const http::fields& head) {
  const std::vector<std::string_view> list = codings(head);
  const bool has_te = head.count(http::field::transfer_encoding) > 0;
  if (!has_te) return std::nullopt;
  if (head.count(http::field::content_length) > 0) {
    return error_response(common::ErrorCode::kBadRequest,
                          "send either Transfer-Encoding or Content-Length, not both");
  }
  size_t chunked = 0;
  for (std::string_view c : list) {
    if (boost::beast::iequals(boost::beast::string_view(c.data(), c.size()), "chunked")) {
      ++chunked;
      continue;
    }
    return error_response(common::ErrorCode::kNotImplemented,
                          "Transfer-Encoding " + common::in_quotes(c) +
                              " is not supported: send the body with Content-Length or with "
                              "Transfer-Encoding: chunked alone");
  }
  if (chunked == 1) return std::nullopt;
  return error_response(common::ErrorCode::kBadRequest,
                        chunked == 0 ? "Transfer-Encoding is empty: name chunked, or leave it out"
                                     : "Transfer-Encoding lists chunked more than once");
}

Response read_refusal(boost::beast::error_code ec, size_t max_body) {
  if (ec == http::error::body_limit) {
    return error_response(common::ErrorCode::kOverLimit,
                          "the request body is larger than " + std::to_string(max_body) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return error_response(common::ErrorCode::kBadRequest, "the request headers are too large");
  }
  return error_response(common::ErrorCode::kBadRequest,
                        std::string("malformed HTTP request: ") + malformed(ec));
}

std::string overload_answer(const std::string& why, const std::string& request_id) {
  const Response r = error_response(common::ErrorCode::kUnavailable,
                                    why + "; retry later (request " + request_id + ")");
  return "HTTP/1.1 503 Service Unavailable\r\n"
         "Content-Type: application/json\r\n"
         "Retry-After: " +
         std::to_string(kRetryAfterSeconds) +
         "\r\n"
         "X-Openstack-Request-Id: " +
         request_id +
         "\r\n"
         "Connection: close\r\n"
         "Content-Length: " +
         std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
}

}  // namespace automat::api
