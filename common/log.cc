#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace automat::common::log {
namespace {

thread_local std::string request_id;

std::string render(const std::string& event, std::initializer_list<Field> fields) {
  std::string line = "event=" + event;
  if (!request_id.empty()) line += " request_id=" + request_id;
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    const bool quote = v.empty() || v.find_first_of(" \"=") != std::string::npos;
    if (quote) {
      line += '"';
      for (char c : v) {
        if (c == '"' || c == '\\') line += '\\';
        line += (c == '\n') ? ' ' : c;
      }
      line += '"';
    } else {
      line += v;
    }
  }
  return line;
}

}  // namespace

void init(const std::string& service, const std::string& level) {
  auto logger = spdlog::stderr_logger_mt(service);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l service=%n pid=%P %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

RequestScope::RequestScope(std::string id) : previous_(std::move(request_id)) {
  request_id = std::move(id);
}

RequestScope::~RequestScope() { request_id = std::move(previous_); }

const std::string& current_request_id() { return request_id; }

void debug(const std::string& e, std::initializer_list<Field> f) { spdlog::debug(render(e, f)); }
void info(const std::string& e, std::initializer_list<Field> f) { spdlog::info(render(e, f)); }
void warn(const std::string& e, std::initializer_list<Field> f) { spdlog::warn(render(e, f)); }
void error(const std::string& e, std::initializer_list<Field> f) { spdlog::error(render(e, f)); }

}  // namespace automat::common::log
