#pragma once
// Small string helpers that many files need: lower-casing, trimming, joining
// and a printable excerpt of a value for messages. One copy each (a unity
// build also refuses two file-local copies of the same name in one batch).
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace automat::common {

// `s` with its ASCII letters in lower case (other bytes as they are).
inline std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// `s` without leading and trailing spaces, tabs, carriage returns and newlines.
inline std::string trimmed(std::string_view s) {
  constexpr std::string_view kBlank = " \t\r\n";
  const auto b = s.find_first_not_of(kBlank);
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(kBlank) - b + 1));
}

// The items in order with `separator` between them ("" for none).
inline std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// At most `limit` bytes of `s` with every unprintable byte shown as '?': a
// value quoted in a message or log line cannot forge a line of its own.
inline std::string printable_excerpt(const std::string& s, std::size_t limit = 80) {
  std::string out;
  for (char c : s.substr(0, limit)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return out;
}

}  // namespace automat::common
