#pragma once
// A small client for Cassandra's CQL native protocol (v4 framing): connect,
// STARTUP, SASL PLAIN login (PasswordAuthenticator), QUERY with a
// consistency level, and RESULT rows rendered as text. No C++ Cassandra
// driver is packaged by Debian; this is the subset the guest agent needs for
// user management and health. One Session is one TCP connection; it is not
// thread-safe (use one per thread).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace automat::datastores::cassandra::cql {

enum class Consistency : unsigned short {
  kAny = 0x0000,
  kOne = 0x0001,
  kTwo = 0x0002,
  kThree = 0x0003,
  kQuorum = 0x0004,
  kAll = 0x0005,
  kLocalQuorum = 0x0006,
  kEachQuorum = 0x0007,
  kLocalOne = 0x000A,
};

struct ConnectOptions {
  std::string host;  // IPv4 address
  int port = 9042;
  std::string username;  // empty: no login offered (server must not require one)
  std::string password;  // never logged
  std::chrono::milliseconds timeout{10000};  // connect and per-request
};

// One result. Values are rendered as text: text/varchar/ascii as is,
// int/bigint/smallint/tinyint/varint/counter in decimal, boolean as
// "true"/"false", uuid/timeuuid in 8-4-4-4-12 form, inet as dotted quad,
// double/float via std::to_chars, map<text,text> as a JSON object text,
// set/list<text> as a JSON array text, blob as 0x<hex>; null as nullopt.
struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;

  // Index of `column`, throws common::Error(kInternal) if absent.
  size_t column(const std::string& name) const;
};

class Session {
 public:
  virtual ~Session() = default;
  // Runs one CQL statement. Throws common::Error:
  //   kUnavailable  connection lost/timeout, or the server answered
  //                 Unavailable/ReadTimeout/WriteTimeout/Overloaded/IsBootstrapping;
  //   kUnauthorized bad credentials / unauthorized;
  //   kBadRequest   syntax or invalid query (message is the server's);
  //   kInternal     anything else, with the server's message.
  // (Config_error and Already_exists count as invalid queries: kBadRequest.)
  // A syntax error's message quotes the statement around the error, so do not
  // log the errors of statements that carry a password. After a timeout or a
  // transport failure the session is lost: every later call is kUnavailable.
  virtual ResultSet execute(const std::string& cql,
                            Consistency consistency = Consistency::kOne) = 0;
};

// Connects and logs in. Throws common::Error(kUnavailable) when the node is
// not reachable or not yet accepting CQL, kUnauthorized when the login is
// refused (or required but no username given). A login the server could not
// check ("Unable to perform authentication": system_auth unreadable) is
// kUnavailable, since retrying can succeed. kBadRequest when `host` is not an
// IPv4 address.
std::unique_ptr<Session> connect(const ConnectOptions& options);

// Quotes a CQL string literal: 'it''s'.
std::string quote_literal(const std::string& value);
// Quotes a CQL identifier: "Name" (doubling embedded quotes).
std::string quote_identifier(const std::string& value);

}  // namespace automat::datastores::cassandra::cql
