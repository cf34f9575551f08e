#include "conductor/guest_message_handler.h"

#include <cstdio>

#include "common/crypto.h"
#include "common/error.h"
#include "common/guest_envelope.h"
#include "common/log.h"
#include "common/status.h"
#include "common/status_detail.h"

namespace automat::conductor {
namespace {

// Bounds the signing-key cache; past it the cache starts over.
constexpr size_t kMaxCachedKeys = 100000;

// "volume 93 % full: 0.93 of 1.00 GB used; ..." for a volume at least
// kVolumeFullPercent full, else "".
std::string volume_warning(const proto::VolumeUsage& v) {
  if (v.total_bytes() <= 0) return "";
  const int64_t percent = v.used_bytes() * 100 / v.total_bytes();
  if (percent < kVolumeFullPercent) return "";
  constexpr double kGiB = 1024.0 * 1024 * 1024;
  char text[160];
  std::snprintf(text, sizeof text,
                "volume %d %% full: %.2f of %.2f GB used; grow it with a volume resize",
                static_cast<int>(percent), static_cast<double>(v.used_bytes()) / kGiB,
                static_cast<double>(v.total_bytes()) / kGiB);
  return text;
}

// The detail as stored; a datastore report whose type this conductor does
// not link is left out (the node then counts as not having reported).
nlohmann::json stored_detail(proto::StatusDetail detail, const std::string& instance_id) {
  if (auto stored = common::encode_status_detail(detail)) return std::move(*stored);
  common::log::warn("conductor.report_unknown",
                    {{"instance", instance_id}, {"type", detail.datastore().type_url()}});
  detail.clear_datastore();
  return common::encode_status_detail(detail).value_or(nlohmann::json::object());
}

}  // namespace

GuestMessageHandler::GuestMessageHandler(db::HeartbeatRepository& heartbeats,
                                         std::string guest_secret)
    : heartbeats_(heartbeats), guest_secret_(std::move(guest_secret)) {}

BatchResult GuestMessageHandler::handle(const std::vector<std::string>& bodies) {
  BatchResult result;
  result.received = bodies.size();
  std::vector<db::HeartbeatRecord> records;
  records.reserve(bodies.size());
  for (const auto& body : bodies) {
    if (auto record = decode(body)) {
      records.push_back(std::move(*record));
    } else {
      ++result.rejected;
    }
  }
  if (!records.empty()) result.accepted = record(records);
  return result;
}

std::optional<db::HeartbeatRecord> GuestMessageHandler::decode(const std::string& body) {
  proto::GuestEnvelope env;
  if (!env.ParseFromString(body) || env.instance_id().empty()) {
    common::log::warn("conductor.message_unparseable", {{"bytes", std::to_string(body.size())}});
    return std::nullopt;
  }
  if (!common::verify_envelope(env, signing_key(env.instance_id()))) {
    common::log::warn("conductor.message_forged",
                      {{"instance", env.instance_id()}, {"method", env.method()}});
    return std::nullopt;
  }
  if (env.method() == common::kHeartbeatMethod) return decode_heartbeat(env);
  common::log::warn("conductor.method_unknown",
                    {{"instance", env.instance_id()}, {"method", env.method()}});
  return std::nullopt;
}

std::optional<db::HeartbeatRecord> GuestMessageHandler::decode_heartbeat(
    const proto::GuestEnvelope& env) {
  proto::Heartbeat hb;
  if (!hb.ParseFromString(env.payload())) {
    common::log::warn("conductor.payload_unparseable",
                      {{"instance", env.instance_id()}, {"method", env.method()}});
    return std::nullopt;
  }
  db::HeartbeatRecord record;
  record.instance_id = env.instance_id();
  record.method = env.method();
  record.sent_us = env.sent_us();
  record.service_status = hb.service_status();
  proto::StatusDetail detail;
  detail.set_fault(hb.report().fault());
  if (hb.report().has_datastore()) *detail.mutable_datastore() = hb.report().datastore();
  if (hb.has_volume()) {
    *detail.mutable_volume() = hb.volume();
    // A nearly full volume is the instance's fault unless the datastore
    // already reports a worse one.
    if (detail.fault().empty()) detail.set_fault(volume_warning(hb.volume()));
  }
  record.detail = stored_detail(std::move(detail), env.instance_id());
  return record;
}

const std::string& GuestMessageHandler::signing_key(const std::string& instance_id) {
  auto it = keys_.find(instance_id);
  if (it != keys_.end()) return it->second;
  if (keys_.size() >= kMaxCachedKeys) keys_.clear();
  return keys_[instance_id] = common::crypto::guest_signing_key(guest_secret_, instance_id);
}

size_t GuestMessageHandler::record(const std::vector<db::HeartbeatRecord>& records) {
  try {
    return heartbeats_.record_batch(records);
  } catch (const common::Error& e) {
    if (e.code() == common::ErrorCode::kUnavailable) throw;
    common::log::warn("conductor.batch_refused",
                      {{"records", std::to_string(records.size())}, {"error", e.what()}});
  }
  size_t accepted = 0;
  for (const auto& r : records) {
    try {
      accepted += heartbeats_.record_batch({r});
    } catch (const common::Error& e) {
      if (e.code() == common::ErrorCode::kUnavailable) throw;
      common::log::error("conductor.record_dropped",
                         {{"instance", r.instance_id}, {"method", r.method}, {"error", e.what()}});
    }
  }
  return accepted;
}

}  // namespace automat::conductor
