#pragma once
// A guest's record of its node (prepared, should run, what it was configured
// with), kept in memory and on disk together: every change is saved before
// it is seen, so a guest restarted after a crash finds what it last showed.
#include <functional>
#include <mutex>
#include <string>
#include <utility>

namespace automat::guestagent {

// `State` is the datastore's record (MysqlState, CassandraState); `save`
// writes one to a path atomically (common::write_file_atomically) and throws
// common::Error when it cannot. Thread-safe.
template <typename State>
class NodeRecord {
 public:
  using Save = void (*)(const std::string& path, const State& state);

  NodeRecord(std::string path, State loaded, Save save)
      : path_(std::move(path)), save_(save), state_(std::move(loaded)) {}

  // A copy of the record now.
  State get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return state_;
  }

  // Applies `change` to a copy, saves it, then makes it the record. When the
  // save throws, the record is unchanged.
  void update(const std::function<void(State&)>& change) {
    std::lock_guard<std::mutex> lock(mu_);
    State next = state_;
    change(next);
    save_(path_, next);
    state_ = std::move(next);
  }

 private:
  const std::string path_;
  const Save save_;
  mutable std::mutex mu_;
  State state_;
};

}  // namespace automat::guestagent
