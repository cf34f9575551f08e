#include "guestagent/child_pipeline.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/error.h"
#include "guestagent/spawn_setup.h"

namespace automat::guestagent {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kBufferSize = 256 * 1024;
constexpr int kNotReaped = -2;

common::Error os_error(const std::string& what) {
  return common::internal_error(what + ": " + std::strerror(errno));
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

ChildPipeline::ChildPipeline(const std::vector<std::vector<std::string>>& commands,
                             Direction direction, const std::string& log_path) {
  if (commands.empty()) throw common::internal_error("a pipeline needs a command");
  Fd log(::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (log.get() < 0) throw os_error("cannot open " + log_path);
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    throw os_error("socketpair");
  }
  end_ = pair[1];
  Fd child_end(pair[0]);
  // What the next command reads: the agent's writes, or nothing.
  Fd next_in(direction == Direction::kIntoPipeline ? ::dup(child_end.get())
                                                   : ::open("/dev/null", O_RDONLY | O_CLOEXEC));
  try {
    for (size_t i = 0; i < commands.size(); ++i) {
      const bool last = i + 1 == commands.size();
      Fd out;
      Fd following;
      if (!last) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) throw os_error("pipe");
        following = Fd(p[0]);
        out = Fd(p[1]);
      } else {
        out = Fd(::dup(direction == Direction::kFromPipeline ? child_end.get() : log.get()));
      }
      SpawnSetup setup;
      posix_spawn_file_actions_adddup2(setup.actions(), next_in.get(), 0);
      posix_spawn_file_actions_adddup2(setup.actions(), out.get(), 1);
      posix_spawn_file_actions_adddup2(setup.actions(), log.get(), 2);
      pids_.push_back(setup.spawn(commands[i]));
      codes_.push_back(kNotReaped);
      next_in = std::move(following);
    }
  } catch (...) {
    close_end();
    kill_all();
    throw;
  }
}

ChildPipeline::~ChildPipeline() {
  close_end();
  kill_all();
}

void ChildPipeline::close_end() {
  if (end_ >= 0) ::close(end_);
  end_ = -1;
}

void ChildPipeline::kill_all() {
  for (size_t i = 0; i < pids_.size(); ++i) {
    if (codes_[i] != kNotReaped) continue;
    ::kill(pids_[i], SIGKILL);
    int status = 0;
    while (::waitpid(pids_[i], &status, 0) < 0 && errno == EINTR) {
    }
    codes_[i] = -1;
  }
}

std::vector<int> ChildPipeline::finish(std::chrono::milliseconds timeout) {
  close_end();
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    bool running = false;
    for (size_t i = 0; i < pids_.size(); ++i) {
      if (codes_[i] != kNotReaped) continue;
      int status = 0;
      const pid_t r = ::waitpid(pids_[i], &status, WNOHANG);
      if (r == pids_[i]) {
        codes_[i] = exit_code_of(status);
      } else if (r < 0 && errno != EINTR) {
        codes_[i] = -1;  // not (or no longer) our child
      } else {
        running = true;
      }
    }
    if (!running || Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill_all();
  return codes_;
}

PipeReadBuf::PipeReadBuf(int fd, std::function<void(uint64_t)> tick)
    : fd_(fd), tick_(std::move(tick)), buf_(kBufferSize) {}

PipeReadBuf::int_type PipeReadBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, 1000);
    if (ready < 0 && errno != EINTR) throw os_error("poll on a pipeline");
    if (ready <= 0) {
      if (tick_) tick_(bytes_);  // a quiet second: let the owner give up
      continue;
    }
    const ssize_t n = ::read(fd_, buf_.data(), buf_.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) throw os_error("reading a pipeline");
    if (n == 0) return traits_type::eof();
    bytes_ += static_cast<uint64_t>(n);
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    if (tick_) tick_(bytes_);
    return traits_type::to_int_type(*gptr());
  }
}

PipeWriteBuf::PipeWriteBuf(int fd) : fd_(fd), buf_(kBufferSize) {
  setp(buf_.data(), buf_.data() + buf_.size());
}

void PipeWriteBuf::drain() {
  const char* p = pbase();
  while (p < pptr()) {
    const ssize_t n = ::send(fd_, p, static_cast<size_t>(pptr() - p), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw os_error("the pipeline stopped reading");
    p += n;
  }
  setp(buf_.data(), buf_.data() + buf_.size());
}

PipeWriteBuf::int_type PipeWriteBuf::overflow(int_type c) {
  drain();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int PipeWriteBuf::sync() {
  drain();
  return 0;
}

}  // namespace automat::guestagent
