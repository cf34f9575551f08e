#pragma once
// Running an external program (mvn, tar) from an admin tool (automat-manage
// and the datastores' image installers it calls), behind an interface so an
// installer can be tested without the programs.
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace automat::common {

struct ProgramRun {
  int exit_code = -1;  // -1 when it could not start or died by a signal
  std::string output;  // stdout and stderr interleaved (at most the last 1 MiB)
  bool ok() const { return exit_code == 0; }
};

class ProgramRunner {
 public:
  virtual ~ProgramRunner() = default;
  // Runs argv (argv[0] looked up in PATH) with stdin from /dev/null and
  // `env` added to (or replacing in) the environment, and waits for it.
  // A program that cannot be started gives exit_code -1 and says why in
  // `output`; this never throws for the program's own failure.
  virtual ProgramRun run(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env) = 0;
};

// The real thing: posix_spawnp, output through a pipe.
std::unique_ptr<ProgramRunner> make_process_runner();

}  // namespace automat::common
