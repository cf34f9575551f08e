#include "api/query_params.h"

#include <algorithm>

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
  out.reserve(s.size());
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
    throw common::bad_request("the query string must not contain NUL characters");
  }
  return out;
}

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string encode_part(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

QueryParams QueryParams::parse(std::string_view target) {
  QueryParams q;
  const size_t mark = target.find('?');
  if (mark == std::string_view::npos) return q;
  std::string_view rest = target.substr(mark + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string name = decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    const bool seen = std::any_of(q.items_.begin(), q.items_.end(),
                                  [&](const auto& item) { return item.first == name; });
    if (seen && name.size() <= 64) {
      throw common::bad_request("the query parameter " + name + " is given more than once");
    }
    if (seen) throw common::bad_request("a query parameter is given more than once");
    q.items_.emplace_back(std::move(name), std::move(value));
  }
  return q;
}

std::optional<std::string> QueryParams::get(const std::string& name) const {
  for (const auto& [key, value] : items_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<bool> QueryParams::get_bool(const std::string& name) const {
  auto value = get(name);
  if (!value) return std::nullopt;
  std::string lower = *value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  throw common::bad_request("the query parameter " + name + " must be true or false");
}

std::optional<std::string> QueryParams::get_text(const std::string& name) const {
  constexpr size_t kMaxText = 255;
  auto value = get(name);
  if (!value) return std::nullopt;
  bool ok = !value->empty() && value->size() <= kMaxText;
  for (unsigned char c : *value) ok = ok && c >= 0x20 && c != 0x7F;
  if (!ok) {
    throw common::bad_request(name +
                              " must be 1 to 255 characters, none of them control characters");
  }
  return value;
}

std::string QueryParams::encode(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out;
  for (const auto& [name, value] : items) {
    if (!out.empty()) out += '&';
    out += encode_part(name) + "=" + encode_part(value);
  }
  return out;
}

}  // namespace automat::api
