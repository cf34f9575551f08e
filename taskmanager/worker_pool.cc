#include "taskmanager/worker_pool.h"

#include "common/log.h"

namespace automat::taskmanager {

WorkerPool::WorkerPool(size_t workers) : capacity_(workers == 0 ? 1 : workers) {
  for (size_t i = 0; i < capacity_; ++i) threads_.emplace_back([this] { worker_loop(); });
}

WorkerPool::~WorkerPool() { join(); }

WorkerPool::Ticket::Ticket(Ticket&& other) noexcept
    : pool_(other.pool_), op_id_(std::move(other.op_id_)) {
  other.pool_ = nullptr;
}

WorkerPool::Ticket::~Ticket() {
  if (pool_) pool_->release(op_id_);
}

bool WorkerPool::Ticket::bind(const std::string& op_id) {
  std::lock_guard<std::mutex> l(pool_->mu_);
  if (pool_->op_ids_.count(op_id)) return false;
  if (!op_id_.empty()) pool_->op_ids_.erase(op_id_);
  op_id_ = op_id;
  pool_->op_ids_.insert(op_id);
  return true;
}

std::optional<WorkerPool::Ticket> WorkerPool::reserve(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> l(mu_);
  if (!cv_.wait_for(l, timeout, [this] { return stopping_ || reserved_ < capacity_; }) ||
      stopping_) {
    return std::nullopt;
  }
  ++reserved_;
  return Ticket(this);
}

void WorkerPool::run(Ticket ticket, std::function<void()> work) {
  std::lock_guard<std::mutex> l(mu_);
  queue_.emplace_back(ticket.op_id_, std::move(work));
  ticket.pool_ = nullptr;  // the worker releases it when the work is done
  cv_.notify_all();
}

void WorkerPool::release(const std::string& op_id) {
  {
    std::lock_guard<std::mutex> l(mu_);
    --reserved_;
    if (!op_id.empty()) op_ids_.erase(op_id);
  }
  cv_.notify_all();
}

size_t WorkerPool::busy() const {
  std::lock_guard<std::mutex> l(mu_);
  return reserved_;
}

bool WorkerPool::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> l(mu_);
  return cv_.wait_for(l, timeout, [this] { return reserved_ == 0; });
}

void WorkerPool::join() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::worker_loop() {
  while (true) {
    std::pair<std::string, std::function<void()>> item;
    {
      std::unique_lock<std::mutex> l(mu_);
      // Work already handed out still runs when stopping: its ticket was
      // reserved, and the operation claimed, before the stop.
      cv_.wait(l, [this] { return !queue_.empty() || (stopping_ && reserved_ == 0); });
      if (queue_.empty()) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      item.second();
    } catch (const std::exception& e) {
      common::log::error("worker.unexpected_error", {{"op", item.first}, {"error", e.what()}});
    }
    release(item.first);
  }
}

}  // namespace automat::taskmanager
