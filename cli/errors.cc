#include "cli/errors.h"

#include <nlohmann/json.hpp>

namespace automat::cli {
namespace {

constexpr size_t kMaxPlainMessage = 200;

std::string trimmed_first_line(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  text.remove_prefix(begin);
  text = text.substr(0, text.find_first_of("\r\n"));
  size_t end = text.find_last_not_of(" \t");
  text = text.substr(0, end + 1);
  if (text.size() > kMaxPlainMessage) return std::string(text.substr(0, kMaxPlainMessage)) + "...";
  return std::string(text);
}

// {"<faultName>": {"message": "..."}} -> the message; "" when not that shape.
std::string trove_fault_message(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.size() != 1) return "";
  const auto& fault = json.begin().value();
  if (!fault.is_object()) return "";
  auto message = fault.find("message");
  if (message == fault.end() || !message->is_string()) return "";
  return message->get<std::string>();
}

}  // namespace

std::string message_from_error_body(int status, std::string_view body) {
  std::string message = trove_fault_message(body);
  if (message.empty()) message = trimmed_first_line(body);
  if (message.empty()) message = "HTTP " + std::to_string(status);
  return message;
}

common::Error error_from_response(int status, std::string_view body) {
  return common::Error(static_cast<common::ErrorCode>(status),
                       message_from_error_body(status, body));
}

std::string format_error(const common::Error& error) {
  if (dynamic_cast<const ConnectionError*>(&error) || dynamic_cast<const UsageError*>(&error)) {
    return std::string("ERROR: ") + error.what();
  }
  return "ERROR (" + std::to_string(error.http_status()) + "): " + error.what();
}

}  // namespace automat::cli
