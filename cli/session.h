#pragma once
// What one `automat` invocation works with: its global options, the HTTP
// client and clock seams, and where output goes.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "cli/api_client.h"
#include "cli/http_client.h"
#include "cli/poll_clock.h"
#include "cli/table.h"
#include "cli/waiter.h"

namespace automat::cli {

struct GlobalOptions {
  std::string url;               // --url / AUTOMAT_URL: http://host:port/v1.0/<tenant_id>
  std::string token;             // --token / AUTOMAT_TOKEN
  std::string format = "table";  // -f/--format: table | json
  double timeout_seconds = 600;  // --timeout: limit of --wait
};

// How progress may be drawn on the error stream.
struct Terminal {
  bool live = false;  // a terminal: redraw one line in place
  int width = 80;
};

struct Session {
  HttpClient& http;
  PollClock& clock;
  std::ostream& out;  // results (tables, JSON)
  std::ostream& err;  // errors and --wait progress
  Terminal terminal;
  GlobalOptions options;

  // A client for the configured endpoint. Throws cli::UsageError when the
  // URL or token is missing or the URL is not http(s).
  ApiClient api() const;
  bool json_output() const { return options.format == "json"; }
  // Prints `json_value` pretty (json) or `table` (table) to out.
  void print(const nlohmann::json& json_value, const Table& table) const;
  // A sentence saying what was done, on out (table output only: -f json
  // prints nothing).
  void report(const std::string& sentence) const;
  WaitOptions wait_options() const;
};

}  // namespace automat::cli
