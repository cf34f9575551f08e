#include "guestagent/guest_jobs.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::guestagent {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using State = JobStatus::State;

constexpr const char* kSuffix = ".job";

State state_from(const std::string& name) {
  if (name == "RUNNING") return State::kRunning;
  if (name == "SUCCEEDED") return State::kSucceeded;
  if (name == "FAILED") return State::kFailed;
  if (name == "LOST") return State::kLost;
  return State::kUnknown;
}

std::string to_hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

json to_json(const JobStatus& s) {
  return {{"key", s.key},
          {"kind", s.kind},
          {"state", state_name(s.state)},
          {"message", s.message},
          // The result is bytes (a serialized reply): kept as hex.
          {"result_hex", to_hex(s.result)},
          {"started_us", s.started_us},
          {"finished_us", s.finished_us}};
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

}  // namespace

const char* state_name(State state) {
  switch (state) {
    case State::kRunning:
      return "RUNNING";
    case State::kSucceeded:
      return "SUCCEEDED";
    case State::kFailed:
      return "FAILED";
    case State::kLost:
      return "LOST";
    case State::kUnknown:
      break;
  }
  return "UNKNOWN";
}

class JobRunner::Context : public JobContext {
 public:
  Context(JobRunner& runner, std::string key) : runner_(runner), key_(std::move(key)) {}
  void progress(double fraction, const std::string& message) override {
    std::lock_guard<std::mutex> l(runner_.mu_);
    auto it = runner_.jobs_.find(key_);
    if (it == runner_.jobs_.end()) return;
    it->second.status.progress = std::clamp(fraction, 0.0, 1.0);
    it->second.status.message = message;
  }
  bool stopping() const override {
    std::lock_guard<std::mutex> l(runner_.mu_);
    return runner_.stopping_;
  }

 private:
  JobRunner& runner_;
  const std::string key_;
};

JobRunner::JobRunner(std::string dir, const common::Clock& clock, std::chrono::hours keep)
    : dir_(std::move(dir)), clock_(clock), keep_(keep) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec)
    throw common::internal_error("cannot create the job directory " + dir_ + ": " + ec.message());
  load();
}

JobRunner::~JobRunner() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

std::string JobRunner::record_path(const std::string& key) const {
  // Keys are the caller's: hashed, so any key makes a safe file name.
  return dir_ + "/" + common::crypto::sha256_hex(key).substr(0, 32) + kSuffix;
}

void JobRunner::persist(const JobStatus& status) const {
  common::write_file_atomically(record_path(status.key), to_json(status).dump() + "\n", 0600);
}

void JobRunner::load() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != kSuffix) continue;
    try {
      const auto text = common::read_file(entry.path().string());
      if (!text) continue;
      const json j = json::parse(*text);
      JobStatus s;
      s.key = j.at("key").get<std::string>();
      s.kind = j.value("kind", "");
      s.state = state_from(j.value("state", ""));
      s.message = j.value("message", "");
      s.result = from_hex(j.value("result_hex", ""));
      s.started_us = j.value("started_us", int64_t{0});
      s.finished_us = j.value("finished_us", int64_t{0});
      if (s.state == State::kRunning) {
        // The guest stopped while it ran: nobody finishes it now.
        s.state = State::kLost;
        s.message = "the guest agent restarted while this " + s.kind + " ran; it did not finish";
        s.finished_us = common::to_micros(clock_.now());
        persist(s);
        common::log::warn("guest.job_lost", {{"key", s.key}, {"kind", s.kind}});
      }
      jobs_[s.key].status = std::move(s);
    } catch (const std::exception& e) {
      common::log::warn("guest.job_record_unreadable",
                        {{"path", entry.path().string()}, {"error", e.what()}});
    }
  }
}

void JobRunner::prune_locked() {
  const int64_t horizon =
      common::to_micros(clock_.now() - std::chrono::duration_cast<std::chrono::seconds>(keep_));
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const JobStatus& s = it->second.status;
    if (s.state != State::kRunning && s.finished_us > 0 && s.finished_us < horizon) {
      std::error_code ec;
      fs::remove(record_path(s.key), ec);
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

JobStatus JobRunner::start(const std::string& key, const std::string& kind, Work work) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto it = jobs_.find(key); it != jobs_.end()) return it->second.status;
  if (stopping_)
    throw common::unavailable("the guest agent is stopping; start the job again later");
  prune_locked();
  JobStatus s;
  s.state = State::kRunning;
  s.key = key;
  s.kind = kind;
  s.message = kind + " started";
  s.started_us = common::to_micros(clock_.now());
  persist(s);  // before any work: a crash from here on reports the job LOST
  Job& job = jobs_[key];
  job.status = s;
  job.context = std::make_unique<Context>(*this, key);
  Context* ctx = job.context.get();
  common::log::info("guest.job_started", {{"key", key}, {"kind", kind}});
  threads_.emplace_back([this, key, ctx, work = std::move(work)] {
    try {
      std::string result = work(*ctx);
      finish(key, State::kSucceeded, "done", std::move(result));
    } catch (const std::exception& e) {
      finish(key, State::kFailed, e.what(), "");
    }
  });
  return s;
}

void JobRunner::finish(const std::string& key, State state, std::string message,
                       std::string result) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = jobs_.find(key);
  if (it == jobs_.end()) return;
  JobStatus& s = it->second.status;
  s.state = state;
  s.message = std::move(message);
  s.result = std::move(result);
  if (state == State::kSucceeded) s.progress = 1;
  s.finished_us = common::to_micros(clock_.now());
  try {
    persist(s);
  } catch (const std::exception& e) {
    // The answer stays in memory; after a restart the job reads as LOST.
    common::log::warn("guest.job_record_failed", {{"key", key}, {"error", e.what()}});
  }
  common::log::info("guest.job_finished",
                    {{"key", key}, {"kind", s.kind}, {"state", state_name(state)}});
  finished_.notify_all();
}

JobStatus JobRunner::wait(const std::string& key, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(mu_);
  finished_.wait_for(l, timeout, [&] {
    auto it = jobs_.find(key);
    return it == jobs_.end() || it->second.status.state != State::kRunning;
  });
  l.unlock();
  return status(key);
}

JobStatus JobRunner::status(const std::string& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = jobs_.find(key);
  if (it == jobs_.end()) {
    JobStatus unknown;
    unknown.key = key;
    return unknown;
  }
  return it->second.status;
}

}  // namespace automat::guestagent
