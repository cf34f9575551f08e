#include "db/quota.h"

#include "common/error.h"

namespace automat::db {
namespace {

// The unit a resource's amounts are counted in, for messages.
std::string with_unit(const std::string& resource, int64_t amount) {
  const std::string n = std::to_string(amount);
  if (resource == "volumes") return n + " GB";
  if (resource == "ram") return n + " MB";
  return n;
}

std::string known_resources() {
  std::string out;
  for (const auto& r : quota_resources()) out += (out.empty() ? "" : ", ") + r;
  return out;
}

}  // namespace

const std::vector<std::string>& quota_resources() {
  static const std::vector<std::string> names = {"instances", "ram", "volumes", "backups"};
  return names;
}

bool is_quota_resource(const std::string& name) {
  for (const auto& r : quota_resources()) {
    if (r == name) return true;
  }
  return false;
}

int64_t& quota_value(QuotaValues& v, const std::string& resource) {
  if (resource == "instances") return v.instances;
  if (resource == "ram") return v.ram;
  if (resource == "volumes") return v.volumes;
  if (resource == "backups") return v.backups;
  throw common::bad_request("unknown quota resource; the resources are " + known_resources());
}

int64_t quota_value(const QuotaValues& v, const std::string& resource) {
  return quota_value(const_cast<QuotaValues&>(v), resource);
}

QuotaValues default_quota_limits() { return QuotaValues{10, -1, 40, 50}; }

QuotaValues load_quota_limits(const common::Config& config) {
  QuotaValues limits = default_quota_limits();
  for (const auto& r : quota_resources()) {
    int64_t& value = quota_value(limits, r);
    value = config.get_int("quota", r, static_cast<int>(value));
    if (value < -1 || value > kMaxQuotaLimit) {
      throw common::bad_request("config [quota] " + r +
                                " must be -1 (unlimited) or between 0 and " +
                                std::to_string(kMaxQuotaLimit) + ", got " + std::to_string(value));
    }
  }
  return limits;
}

bool QuotaCharge::empty() const {
  for (const auto& r : quota_resources()) {
    if (quota_value(delta, r) > 0) return false;
  }
  return true;
}

QuotaCharge backup_charge(const QuotaValues& defaults) {
  QuotaCharge charge;
  charge.delta.backups = 1;
  charge.defaults = defaults;
  return charge;
}

std::vector<QuotaUsage> quota_usages(const QuotaValues& limits, const QuotaValues& in_use) {
  std::vector<QuotaUsage> out;
  for (const auto& r : quota_resources()) {
    out.push_back({r, quota_value(in_use, r), 0, quota_value(limits, r)});
  }
  return out;
}

std::optional<std::string> quota_overrun(const QuotaValues& limits, const QuotaValues& in_use,
                                         const QuotaValues& delta) {
  std::string overs;
  for (const auto& r : quota_resources()) {
    const int64_t limit = quota_value(limits, r);
    const int64_t add = quota_value(delta, r);
    if (add <= 0 || limit < 0) continue;
    const int64_t total = quota_value(in_use, r) + add;
    if (total <= limit) continue;
    overs += (overs.empty() ? "" : "; ") + r + " would be " + with_unit(r, total) +
             " with this request (" + with_unit(r, quota_value(in_use, r)) + " in use + " +
             with_unit(r, add) + " asked), over the limit of " + with_unit(r, limit) + " by " +
             with_unit(r, total - limit);
  }
  if (overs.empty()) return std::nullopt;
  return "Quota exceeded for resources: " + overs +
         ". Delete what is no longer needed, or ask an administrator to raise the quota";
}

void check_quota(const QuotaValues& limits, const QuotaValues& in_use, const QuotaValues& delta) {
  if (auto message = quota_overrun(limits, in_use, delta)) {
    throw common::Error(common::ErrorCode::kOverLimit, *message);
  }
}

}  // namespace automat::db
