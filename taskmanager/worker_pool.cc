#include "taskmanager/worker_pool.h"

#include "common/log.h"

namespace automat::taskmanager {

WorkerPool::WorkerPool(size_t workers, Now now)
    : capacity_(workers == 0 ? 1 : workers),
      real_time_(!now),
      now_(now ? std::move(now) : Now([] { return Clock::now(); })) {
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
  run_parkable(std::move(ticket),
               [work = std::move(work)]() -> std::optional<std::chrono::milliseconds> {
                 work();
                 return std::nullopt;
               });
}

void WorkerPool::run_parkable(Ticket ticket, Parkable work) {
  std::lock_guard<std::mutex> l(mu_);
  queue_.push_back(Item{ticket.op_id_, std::make_shared<Parkable>(std::move(work))});
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

size_t WorkerPool::parked() const {
  std::lock_guard<std::mutex> l(mu_);
  return parked_.size();
}

bool WorkerPool::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> l(mu_);
  return cv_.wait_for(l, timeout, [this] { return reserved_ == 0; });
}

void WorkerPool::time_moved() {
  // Under the lock: a worker is either before its look at the time or
  // already waiting, never in between.
  { std::lock_guard<std::mutex> l(mu_); }
  cv_.notify_all();
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

std::optional<WorkerPool::Item> WorkerPool::next_item() {
  if (!queue_.empty()) {
    Item item = std::move(queue_.front());
    queue_.pop_front();
    return item;
  }
  if (parked_.empty()) return std::nullopt;
  const auto first = parked_.begin();
  if (!stopping_ && first->first > now_()) return std::nullopt;
  Item item = std::move(first->second);
  parked_.erase(first);
  return item;
}

void WorkerPool::finished(const Item& item) {
  if (item.reserved) {
    release(item.op_id);
    return;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    op_ids_.erase(item.op_id);
  }
  cv_.notify_all();
}

void WorkerPool::worker_loop() {
  while (true) {
    Item item;
    {
      std::unique_lock<std::mutex> l(mu_);
      while (true) {
        if (auto next = next_item()) {
          item = std::move(*next);
          break;
        }
        // Work already handed out still runs when stopping: its ticket was
        // reserved, and the operation claimed, before the stop.
        if (stopping_ && reserved_ == 0 && parked_.empty()) return;
        if (!parked_.empty() && real_time_) {
          cv_.wait_until(l, parked_.begin()->first);
        } else {
          cv_.wait(l);
        }
      }
    }
    std::optional<std::chrono::milliseconds> again;
    try {
      again = (*item.work)();
    } catch (const std::exception& e) {
      common::log::error("worker.unexpected_error", {{"op", item.op_id}, {"error", e.what()}});
    }
    if (again) {
      std::lock_guard<std::mutex> l(mu_);
      if (!stopping_) {
        // Frees the worker and the reservation; the operation stays bound
        // here while parked.
        if (item.reserved) --reserved_;
        item.reserved = false;
        parked_.emplace(now_() + *again, std::move(item));
        cv_.notify_all();
        continue;
      }
      common::log::warn("worker.parked_work_dropped", {{"op", item.op_id}});
    }
    finished(item);
  }
}

}  // namespace automat::taskmanager
