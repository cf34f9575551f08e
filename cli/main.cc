// automat: the tenant's command-line client for automat-api.
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/app.h"

namespace {

// Progress goes to stderr: drawn live only when that is a capable terminal.
automat::cli::Terminal stderr_terminal() {
  automat::cli::Terminal terminal;
  const char* term = std::getenv("TERM");
  terminal.live = isatty(STDERR_FILENO) == 1 && (term == nullptr || std::strcmp(term, "dumb") != 0);
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) terminal.width = size.ws_col;
  return terminal;
}

// Ctrl-C during a live --wait: end the progress line, then die of SIGINT as
// usual (the operation goes on on the server).
void end_line_and_interrupt(int signal_number) {
  (void)!write(STDERR_FILENO, "\n", 1);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

}  // namespace

int main(int argc, char** argv) {
  auto http = automat::cli::make_curl_http_client();
  automat::cli::SteadyPollClock clock;
  automat::cli::Terminal terminal = stderr_terminal();
  if (terminal.live) std::signal(SIGINT, end_line_and_interrupt);
  automat::cli::Session session{*http, clock, std::cout, std::cerr, terminal, {}};
  return automat::cli::run(argc, argv, session);
}
