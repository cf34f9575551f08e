#pragma once
// Structured logging: one line per event, key=value pairs after the message,
// e.g.  log::info("instance.created", {{"op", op_id}, {"instance", id}});
// Secrets are never passed here.
#include <initializer_list>
#include <string>
#include <utility>

namespace automat::common::log {

using Field = std::pair<const char*, std::string>;

// Sets the process name shown on every line and the level
// (debug|info|warn|error). Safe to call once at start-up.
void init(const std::string& service, const std::string& level = "info");

void debug(const std::string& event, std::initializer_list<Field> fields = {});
void info(const std::string& event, std::initializer_list<Field> fields = {});
void warn(const std::string& event, std::initializer_list<Field> fields = {});
void error(const std::string& event, std::initializer_list<Field> fields = {});

}  // namespace automat::common::log
