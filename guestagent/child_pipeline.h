#pragma once
// OS commands joined like a shell pipeline (`a | b`) with the agent at one
// end, so a backup streams between a datastore's tools and the backup
// storage without ever lying whole on local disk or in memory. Children are
// started like run_command's (guestagent/spawn_setup.h) and stay in the
// agent's session; their stderr goes to a file the caller names, whose tail
// explains a failure. Not thread-safe: one owner drives it.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <streambuf>
#include <string>
#include <vector>

namespace automat::guestagent {

class ChildPipeline {
 public:
  enum class Direction {
    kFromPipeline,  // the agent reads the last command's stdout; the first reads /dev/null
    kIntoPipeline,  // the agent writes the first command's stdin; the last writes to the log
  };

  // Starts every command (argv[0] looked up in PATH), each one's stdout
  // joined to the next one's stdin. Throws common::Error(kInternal) when
  // the log cannot be opened or a command cannot start (those already
  // started are then killed and reaped).
  ChildPipeline(const std::vector<std::vector<std::string>>& commands, Direction direction,
                const std::string& log_path);
  // Kills (SIGKILL) and reaps the commands still running.
  ~ChildPipeline();
  ChildPipeline(const ChildPipeline&) = delete;
  ChildPipeline& operator=(const ChildPipeline&) = delete;

  // The agent's end: a stream socket, so a write to commands that exited
  // fails with EPIPE instead of raising SIGPIPE (send with MSG_NOSIGNAL).
  int fd() const { return end_; }
  pid_t pid(size_t i) const { return pids_.at(i); }

  // Closes the agent's end (the first command sees the end of its input),
  // waits up to `timeout` for every command, kills those still running,
  // and returns each one's exit code in order (-1: killed by a signal or
  // by the timeout).
  std::vector<int> finish(std::chrono::milliseconds timeout);

 private:
  void close_end();
  void kill_all();

  int end_ = -1;
  std::vector<pid_t> pids_;
  std::vector<int> codes_;  // filled by finish(); -2 while not reaped
};

// Reads the agent's end of a kFromPipeline pipeline as a std::streambuf.
// `tick(bytes_so_far)` is called after every read and about once a second
// while nothing arrives; it may throw to abandon the read (a stopping
// agent), which reaches the reader when its stream has
// exceptions(std::ios::badbit). A read error throws common::Error(kInternal).
class PipeReadBuf : public std::streambuf {
 public:
  PipeReadBuf(int fd, std::function<void(uint64_t)> tick);
  uint64_t bytes() const { return bytes_; }

 protected:
  int_type underflow() override;

 private:
  const int fd_;
  const std::function<void(uint64_t)> tick_;
  uint64_t bytes_ = 0;
  std::vector<char> buf_;
};

// Writes into the agent's end of a kIntoPipeline pipeline as a
// std::streambuf. When the commands stop reading (one failed), a write
// throws common::Error(kInternal): use a stream with
// exceptions(std::ios::badbit) so the writer stops at once.
class PipeWriteBuf : public std::streambuf {
 public:
  explicit PipeWriteBuf(int fd);

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  void drain();

  const int fd_;
  std::vector<char> buf_;
};

}  // namespace automat::guestagent
