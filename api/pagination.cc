#include "api/pagination.h"

#include "api/query_params.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

constexpr size_t kMaxLimitDigits = 18;

size_t parse_limit(const std::string& text, size_t max_page_size) {
  const bool digits = !text.empty() && text.size() <= kMaxLimitDigits &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  const unsigned long long value = digits ? std::stoull(text) : 0;
  if (value < 1) throw common::bad_request("limit must be a whole number from 1 up");
  return static_cast<size_t>(std::min<unsigned long long>(value, max_page_size));
}

}  // namespace

PageRequest page_request(const RequestContext& ctx, size_t max_page_size) {
  const QueryParams query = QueryParams::parse(ctx.request.target);
  PageRequest page;
  page.limit = std::max<size_t>(max_page_size, 1);
  if (auto limit = query.get("limit")) page.limit = parse_limit(*limit, page.limit);
  page.marker = query.get_text("marker");
  return page;
}

void throw_unknown_marker(const std::string& marker, const std::string& what) {
  throw common::bad_request("marker " + common::in_quotes(marker) + " is not the id of " + what +
                            " in this list; list again without a marker");
}

nlohmann::json paged_body(const RequestContext& ctx, const char* key, nlohmann::json items,
                          const std::optional<std::string>& next_marker) {
  nlohmann::json links = nlohmann::json::array();
  if (next_marker) {
    const std::string& target = ctx.request.target;
    std::vector<std::pair<std::string, std::string>> params;
    const QueryParams query = QueryParams::parse(target);
    for (const auto& item : query.items()) {
      if (item.first != "marker") params.push_back(item);
    }
    params.emplace_back("marker", *next_marker);
    const std::string path = target.substr(0, target.find('?'));
    links.push_back(
        {{"rel", "next"}, {"href", ctx.links.base_url + path + "?" + QueryParams::encode(params)}});
  }
  return {{key, std::move(items)}, {"links", std::move(links)}};
}

}  // namespace automat::api
