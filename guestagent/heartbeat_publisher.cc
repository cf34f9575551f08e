#include "guestagent/heartbeat_publisher.h"

#include <sys/statvfs.h>

#include <algorithm>

#include "common/error.h"
#include "common/guest_envelope.h"
#include "common/log.h"
#include "common/status.h"

namespace automat::guestagent {

std::optional<proto::VolumeUsage> volume_usage(const std::string& path) {
  struct statvfs st {};
  if (path.empty() || ::statvfs(path.c_str(), &st) != 0) return std::nullopt;
  const auto unit = static_cast<int64_t>(st.f_frsize);
  proto::VolumeUsage usage;
  usage.set_total_bytes(static_cast<int64_t>(st.f_blocks) * unit);
  // Used as df counts it: blocks not free (the root-reserved ones count as free).
  usage.set_used_bytes(static_cast<int64_t>(st.f_blocks - st.f_bfree) * unit);
  return usage;
}

HeartbeatPublisher::HeartbeatPublisher(DatastoreManager& manager, common::Publisher& publisher,
                                       const common::Clock& clock, std::string instance_id,
                                       std::string signing_key, std::chrono::milliseconds interval,
                                       std::string volume_dir)
    : manager_(manager),
      publisher_(publisher),
      clock_(clock),
      instance_id_(std::move(instance_id)),
      signing_key_(std::move(signing_key)),
      interval_(interval),
      volume_dir_(std::move(volume_dir)) {}

HeartbeatPublisher::~HeartbeatPublisher() { stop(); }

void HeartbeatPublisher::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (loop_.joinable()) return;
  stopping_ = false;
  wanted_ = true;  // the first heartbeat goes out at once
  loop_ = std::thread([this] { run(); });
}

void HeartbeatPublisher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (loop_.joinable()) loop_.join();
}

void HeartbeatPublisher::notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wanted_ = true;
  }
  wake_.notify_all();
}

void HeartbeatPublisher::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_ || wanted_; });
    if (stopping_) break;
    wanted_ = false;
    lock.unlock();
    publish_once();
    lock.lock();
  }
}

proto::GuestEnvelope HeartbeatPublisher::make_envelope(const proto::Heartbeat& heartbeat) {
  proto::GuestEnvelope env;
  env.set_instance_id(instance_id_);
  env.set_method(common::kHeartbeatMethod);
  {
    std::lock_guard<std::mutex> lock(sent_mu_);
    last_sent_us_ = std::max(common::to_micros(clock_.now()), last_sent_us_ + 1);
    env.set_sent_us(last_sent_us_);
  }
  env.set_payload(heartbeat.SerializeAsString());
  common::sign_envelope(env, signing_key_);
  return env;
}

bool HeartbeatPublisher::publish_once() {
  proto::Heartbeat hb;
  try {
    const std::string status = manager_.status();
    *hb.mutable_report() = manager_.report();
    hb.set_service_status(shown_status(status, hb.report()));
  } catch (const std::exception& e) {
    // A manager that cannot observe its datastore still reports the agent alive.
    common::log::warn("heartbeat.status_failed", {{"instance", instance_id_}, {"error", e.what()}});
    hb.set_service_status(common::service_status::kUnknown);
    hb.clear_report();
  }
  if (auto usage = volume_usage(volume_dir_)) *hb.mutable_volume() = *usage;
  const proto::GuestEnvelope env = make_envelope(hb);
  try {
    publisher_.publish(common::kConductorQueue, env.SerializeAsString());
  } catch (const std::exception& e) {
    common::log::warn("heartbeat.publish_failed",
                      {{"instance", instance_id_}, {"error", e.what()}});
    return false;
  }
  common::log::debug("heartbeat.sent", {{"instance", instance_id_},
                                        {"status", hb.service_status()},
                                        {"sent_us", std::to_string(env.sent_us())}});
  return true;
}

}  // namespace automat::guestagent
