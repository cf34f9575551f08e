#pragma once
// Structured logging: one line per event, key=value pairs after the message,
// e.g.  log::info("instance.created", {{"op", op_id}, {"instance", id}});
// Secrets are never passed here. While a RequestScope lives on a thread,
// every line that thread writes also carries the request's id.
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

// The request this thread is serving: until the scope ends, each line the
// thread writes carries request_id=<id> after its event. Scopes nest (the
// inner one wins, the outer one is back when it ends). Not movable.
class RequestScope {
 public:
  explicit RequestScope(std::string request_id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string previous_;
};

// The id of the innermost RequestScope of this thread; empty outside one.
const std::string& current_request_id();

}  // namespace automat::common::log
