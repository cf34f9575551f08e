#include "storage/s3_protocol.h"

#include <algorithm>
#include <charconv>

#include "common/error.h"

namespace automat::storage::s3 {
namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Decodes the five named entities and numeric references; anything else
// (a stray '&') is kept as written.
std::string xml_unescape(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t amp = text.find('&', i);
    const size_t semi = amp == std::string_view::npos ? amp : text.find(';', amp);
    if (semi == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    const std::string_view name = text.substr(amp + 1, semi - amp - 1);
    if (name == "amp") {
      out.push_back('&');
    } else if (name == "lt") {
      out.push_back('<');
    } else if (name == "gt") {
      out.push_back('>');
    } else if (name == "quot") {
      out.push_back('"');
    } else if (name == "apos") {
      out.push_back('\'');
    } else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const std::string_view digits = name.substr(hex ? 2 : 1);
      unsigned long cp = 0;
      const auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || end != digits.data() + digits.size() || cp > 0x10ffff) {
        out.append(text.substr(amp, semi - amp + 1));
      } else {
        append_utf8(out, cp);
      }
    } else {
      out.append(text.substr(amp, semi - amp + 1));
    }
    i = semi + 1;
  }
  return out;
}

// Where the element `tag` opens at or after `from`: the position of '<' and
// the position just past the opening tag's '>'; `empty` when it is <tag/>.
struct Opening {
  size_t at = std::string_view::npos;
  size_t body = 0;
  bool empty = false;
};

Opening find_opening(std::string_view xml, std::string_view tag, size_t from) {
  while (true) {
    const size_t lt = xml.find('<', from);
    if (lt == std::string_view::npos) return {};
    from = lt + 1;
    if (xml.substr(lt + 1, tag.size()) != tag) continue;
    const size_t after = lt + 1 + tag.size();
    if (after >= xml.size()) return {};
    const char c = xml[after];
    if (c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\r' && c != '\n') continue;
    const size_t gt = xml.find('>', after);
    if (gt == std::string_view::npos) return {};
    return Opening{lt, gt + 1, xml[gt - 1] == '/'};
  }
}

// Each <tag>...</tag> block's inner text (raw) in order.
std::vector<std::string_view> blocks(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string closing = "</" + std::string(tag) + ">";
  size_t from = 0;
  while (true) {
    const Opening open = find_opening(xml, tag, from);
    if (open.at == std::string_view::npos) return out;
    if (open.empty) {
      out.emplace_back();
      from = open.body;
      continue;
    }
    const size_t close = xml.find(closing, open.body);
    if (close == std::string_view::npos) return out;
    out.push_back(xml.substr(open.body, close - open.body));
    from = close + closing.size();
  }
}

[[noreturn]] void bad_reply(const std::string& what) {
  throw common::internal_error("the S3 endpoint sent an unexpected reply: " + what);
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string request_url(std::string_view endpoint, std::string_view bucket, std::string_view key,
                        QueryParams query) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  std::string url = std::string(endpoint) + "/" + uri_encode(bucket, false);
  if (!key.empty()) url += "/" + uri_encode(key, true);
  std::sort(query.begin(), query.end());
  for (size_t i = 0; i < query.size(); ++i) {
    url += i == 0 ? "?" : "&";
    url += uri_encode(query[i].first, false) + "=" + uri_encode(query[i].second, false);
  }
  return url;
}

std::optional<std::string> xml_element(std::string_view xml, std::string_view tag) {
  const std::vector<std::string_view> found = blocks(xml, tag);
  if (found.empty()) return std::nullopt;
  return xml_unescape(found.front());
}

std::optional<ErrorReply> parse_error(std::string_view xml) {
  const std::vector<std::string_view> error = blocks(xml, "Error");
  if (error.empty()) return std::nullopt;
  ErrorReply reply;
  reply.code = xml_element(error.front(), "Code").value_or("");
  reply.message = xml_element(error.front(), "Message").value_or("");
  if (reply.code.empty()) return std::nullopt;
  return reply;
}

ListPage parse_list_page(std::string_view xml) {
  const std::vector<std::string_view> result = blocks(xml, "ListBucketResult");
  if (result.empty()) bad_reply("no ListBucketResult in a list reply");
  ListPage page;
  for (const std::string_view contents : blocks(result.front(), "Contents")) {
    ListedObject object;
    const std::optional<std::string> key = xml_element(contents, "Key");
    if (!key || key->empty()) bad_reply("a listed object without <Key>");
    object.key = *key;
    const std::string size = xml_element(contents, "Size").value_or("");
    const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), object.size);
    if (size.empty() || ec != std::errc() || end != size.data() + size.size()) {
      bad_reply("the listed object " + object.key + " has the size '" + size + "'");
    }
    page.objects.push_back(std::move(object));
  }
  if (xml_element(result.front(), "IsTruncated").value_or("false") == "true") {
    const std::string token = xml_element(result.front(), "NextContinuationToken").value_or("");
    if (token.empty()) bad_reply("a truncated listing without NextContinuationToken");
    page.next_token = token;
  }
  return page;
}

std::string parse_upload_id(std::string_view xml) {
  const std::string id = xml_element(xml, "UploadId").value_or("");
  if (id.empty()) bad_reply("no UploadId in the reply to starting a multipart upload");
  return id;
}

std::string complete_multipart_body(const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
            xml_escape(etags[i]) + "</ETag></Part>";
  }
  return body + "</CompleteMultipartUpload>";
}

}  // namespace automat::storage::s3
