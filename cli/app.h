#pragma once
// The whole `automat` command line: parse, run the command, turn errors into
// a message and an exit code. main() only wires the real seams to it.
#include <string>
#include <vector>

#include "cli/session.h"

namespace automat::cli {

// Exit codes: 0 success; 1 an error (server answer, connection, failed
// operation); 2 --wait gave up at --timeout; 64 bad command line.
inline constexpr int kExitUsage = 64;

// Parses argv (argv[0] is the program name) into session.options, runs the
// command and returns the exit code. Output goes to session.out/err.
int run(int argc, const char* const* argv, Session& session);

// The same with the arguments as strings (args[0] is the program name).
int run(const std::vector<std::string>& args, Session& session);

}  // namespace automat::cli
