#pragma once
// A fixture running whole `automat` command lines (cli::run) against a
// scripted HttpClient and a clock that moves only when the CLI sleeps.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "tests/fakes/fake_http_client.h"
#include "tests/fakes/fake_poll_clock.h"

namespace automat::cli::testing {

class CliSessionTest : public ::testing::Test {
 protected:
  // Runs `automat --url http://api:8779/v1.0/t1/ --token tok <args>`; output
  // accumulates in out_ and err_.
  int run_cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"automat", "--url", "http://api:8779/v1.0/t1/", "--token", "tok"});
    Session session{http_, clock_, out_, err_, Terminal{false, 80}, {}};
    return run(args, session);
  }

  FakeHttpClient http_;
  FakePollClock clock_;
  std::ostringstream out_;
  std::ostringstream err_;
};

}  // namespace automat::cli::testing
