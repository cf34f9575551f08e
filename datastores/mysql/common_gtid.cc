#include "datastores/mysql/common_gtid.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <string_view>

#include "common/error.h"

namespace automat::datastores::mysql {
namespace {

bool parse_number(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_entry(std::string_view text, GtidEntry& out) {
  const size_t a = text.find('-');
  if (a == std::string_view::npos) return false;
  const size_t b = text.find('-', a + 1);
  if (b == std::string_view::npos) return false;
  return parse_number(text.substr(0, a), out.domain) &&
         parse_number(text.substr(a + 1, b - a - 1), out.server) &&
         parse_number(text.substr(b + 1), out.seq);
}

std::string printable_prefix(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return out;
}

}  // namespace

std::optional<std::vector<GtidEntry>> parse_gtid_list(const std::string& gtid) {
  std::vector<GtidEntry> entries;
  if (gtid.empty()) return entries;
  std::string_view rest(gtid);
  for (;;) {
    const size_t comma = rest.find(',');
    GtidEntry e;
    if (!parse_entry(rest.substr(0, comma), e)) return std::nullopt;
    entries.push_back(e);
    if (comma == std::string_view::npos) return entries;
    rest.remove_prefix(comma + 1);
  }
}

void validate_gtid_list(const std::string& gtid) {
  if (gtid.size() > 4096 || !parse_gtid_list(gtid)) {
    throw common::bad_request("GTID position '" + printable_prefix(gtid) +
                              "' is invalid: expected domain-server-sequence entries such as "
                              "0-1-42, separated by commas");
  }
}

bool gtid_covers(const std::string& have, const std::string& wanted) {
  const auto h = parse_gtid_list(have);
  const auto w = parse_gtid_list(wanted);
  if (!h || !w) validate_gtid_list(!h ? have : wanted);  // throws with the bad one
  std::map<uint64_t, uint64_t> seq_by_domain;
  for (const auto& e : *h) {
    seq_by_domain[e.domain] = std::max(seq_by_domain[e.domain], e.seq);
  }
  return std::all_of(w->begin(), w->end(), [&](const GtidEntry& e) {
    const auto it = seq_by_domain.find(e.domain);
    return it != seq_by_domain.end() && it->second >= e.seq;
  });
}

}  // namespace automat::datastores::mysql
