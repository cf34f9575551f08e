#pragma once
// Tells the conductor how this node is: a signed proto::Heartbeat in a
// proto::GuestEnvelope on common::kConductorQueue, every interval and
// whenever notify() is called (e.g. the datastore just became RUNNING).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "automat/messages.pb.h"
#include "common/broker.h"
#include "common/clock.h"
#include "guestagent/datastore_manager.h"

namespace automat::guestagent {

// The usage of the filesystem holding `path`; nullopt when statvfs fails.
std::optional<proto::VolumeUsage> volume_usage(const std::string& path);

class HeartbeatPublisher {
 public:
  // Borrows `manager`, `publisher` and `clock`; they must outlive this.
  // `signing_key` is this instance's key (crypto::guest_signing_key).
  // `volume_dir`: the filesystem whose usage each heartbeat reports ("" =
  // none).
  HeartbeatPublisher(DatastoreManager& manager, common::Publisher& publisher,
                     const common::Clock& clock, std::string instance_id, std::string signing_key,
                     std::chrono::milliseconds interval, std::string volume_dir = "");
  ~HeartbeatPublisher();  // stops the loop
  HeartbeatPublisher(const HeartbeatPublisher&) = delete;
  HeartbeatPublisher& operator=(const HeartbeatPublisher&) = delete;

  // Starts the background loop: one heartbeat at once, then one per interval
  // and one per notify(). A broker failure is logged and retried next time.
  void start();
  // Stops the loop and waits for it; an in-flight publish finishes first.
  void stop();
  // Asks the loop for a heartbeat now (coalesced; never blocks).
  void notify();

  // Observes the manager and publishes one heartbeat from the calling thread.
  // Returns false (after logging a warning) when the broker refused it.
  bool publish_once();
  // The signed envelope for `heartbeat`; sent_us is the clock's time, or one
  // more than the previous envelope's when the clock did not move forward.
  proto::GuestEnvelope make_envelope(const proto::Heartbeat& heartbeat);

 private:
  void run();

  DatastoreManager& manager_;
  common::Publisher& publisher_;
  const common::Clock& clock_;
  const std::string instance_id_;
  const std::string signing_key_;
  const std::chrono::milliseconds interval_;
  const std::string volume_dir_;

  std::mutex sent_mu_;  // guards last_sent_us_ (publish_once may race the loop)
  int64_t last_sent_us_ = 0;

  std::mutex mu_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::thread loop_;
};

}  // namespace automat::guestagent
