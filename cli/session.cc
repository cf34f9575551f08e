#include "cli/session.h"

#include <algorithm>
#include <cmath>

#include "cli/errors.h"

namespace automat::cli {
namespace {

constexpr double kMaxRequestSeconds = 30;

std::chrono::milliseconds to_millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

}  // namespace

ApiClient Session::api() const {
  if (options.url.empty()) {
    throw UsageError(
        "no API endpoint: set AUTOMAT_URL or pass --url http://HOST:PORT/v1.0/<tenant_id> "
        "(after ./stack.sh: source .automat/openrc)");
  }
  if (options.url.rfind("http://", 0) != 0 && options.url.rfind("https://", 0) != 0) {
    throw UsageError("--url must start with http:// or https://, got \"" + options.url + "\"");
  }
  if (options.token.empty()) {
    throw UsageError(
        "no token: set AUTOMAT_TOKEN or pass --token (see automat-manage token create)");
  }
  double request_seconds = std::min(kMaxRequestSeconds, options.timeout_seconds);
  return ApiClient(http, options.url, options.token, to_millis(request_seconds));
}

void Session::print(const nlohmann::json& json_value, const Table& table) const {
  if (json_output()) {
    out << json_value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    out << render_table(table);
  }
}

void Session::report(const std::string& sentence) const {
  if (!json_output()) out << sentence << "\n";
}

WaitOptions Session::wait_options() const {
  WaitOptions wait;
  wait.timeout = to_millis(options.timeout_seconds);
  return wait;
}

}  // namespace automat::cli
