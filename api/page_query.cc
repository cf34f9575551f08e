#include "api/page_query.h"

#include <charconv>

#include "common/error.h"

namespace automat::api {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] != '%') {
      out += s[i];
    } else {
      const int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
      const int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
      if (lo < 0) throw common::bad_request("the query string has a bad %-escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  if (out.find('\0') != std::string::npos) {
    throw common::bad_request("the query string must not contain NUL");
  }
  return out;
}

}  // namespace

PageQuery page_query(const Request& request, int max_limit) {
  PageQuery q;
  q.limit = max_limit;
  const size_t mark = request.target.find('?');
  std::string_view rest = mark == std::string::npos
                              ? std::string_view()
                              : std::string_view(request.target).substr(mark + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    const std::string key = decode(pair.substr(0, eq));
    const std::string value = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    if (key == "marker") {
      q.marker = value;
    } else if (key == "limit") {
      int n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < 1) {
        throw common::bad_request("limit must be a positive integer");
      }
      q.limit = std::min(n, max_limit);
      q.limit_given = true;
    }
  }
  return q;
}

nlohmann::json next_link(const LinkBase& links, const std::string& path, const PageQuery& query,
                         const std::string& next_marker) {
  std::string href = links.base_url + "/v1.0/" + percent_encode(links.tenant_id) + path + "?";
  if (query.limit_given) href += "limit=" + std::to_string(query.limit) + "&";
  href += "marker=" + percent_encode(next_marker);
  return {{"rel", "next"}, {"href", href}};
}

std::string percent_encode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace automat::api
