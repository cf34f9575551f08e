#include <gtest/gtest.h>

#include "cli/errors.h"

namespace automat::cli {
namespace {

TEST(CliErrors, TakesTheMessageOfATroveFault) {
  std::string body =
      R"({"badRequest": {"code": 400, "message": "instance.volume.size must be between 1 and 1024"}})";
  common::Error error = error_from_response(400, body);
  EXPECT_EQ(error.http_status(), 400);
  EXPECT_EQ(format_error(error), "ERROR (400): instance.volume.size must be between 1 and 1024");
}

TEST(CliErrors, KeepsStatusesOutsideTheEnum) {
  common::Error error = error_from_response(405, R"({"badMethod": {"message": "use GET"}})");
  EXPECT_EQ(format_error(error), "ERROR (405): use GET");
}

TEST(CliErrors, FallsBackToTheBodyText) {
  EXPECT_EQ(message_from_error_body(502, "\n  Bad Gateway  \n<html>..."), "Bad Gateway");
  EXPECT_EQ(message_from_error_body(500, R"({"error": "x", "other": 1})"),
            R"({"error": "x", "other": 1})");
  EXPECT_EQ(message_from_error_body(404, ""), "HTTP 404");
  std::string long_body(500, 'x');
  EXPECT_EQ(message_from_error_body(500, long_body), std::string(200, 'x') + "...");
}

TEST(CliErrors, LocalErrorsHaveNoStatus) {
  EXPECT_EQ(format_error(ConnectionError("cannot reach automat-api at http://h:1/v1.0/t")),
            "ERROR: cannot reach automat-api at http://h:1/v1.0/t");
  EXPECT_EQ(format_error(UsageError("no token")), "ERROR: no token");
}

}  // namespace
}  // namespace automat::cli
