#include "api/authenticator.h"

#include <algorithm>

#include "common/client_text.h"
#include "common/crypto.h"
#include "common/error.h"

namespace automat::api {
namespace {

// Longer tokens are refused without touching the database.
constexpr size_t kMaxTokenLength = 512;

common::Error unauthorized(const std::string& message) {
  return common::Error(common::ErrorCode::kUnauthorized, message);
}

}  // namespace

Authenticator::Authenticator(db::TokenRepository& tokens, const common::Clock& clock,
                             std::chrono::seconds cache_ttl, size_t max_entries)
    : tokens_(tokens),
      clock_(clock),
      ttl_(cache_ttl),
      max_entries_(std::max<size_t>(1, max_entries)) {}

std::shared_ptr<const db::Principal> Authenticator::authenticate(std::string_view token) {
  if (token.empty()) throw unauthorized("this request needs an X-Auth-Token header");
  if (token.size() > kMaxTokenLength) throw unauthorized("the X-Auth-Token is not valid");
  const std::string hash = common::crypto::sha256_hex(std::string(token));
  if (auto cached = lookup_cache(hash)) return cached;
  auto found = tokens_.find_by_hash(hash);
  if (!found) throw unauthorized("the X-Auth-Token is not valid (unknown or expired)");
  auto principal = std::make_shared<const db::Principal>(std::move(*found));
  remember(hash, principal);
  return principal;
}

void Authenticator::authorize(const db::Principal& principal, const std::string& tenant_id) {
  if (principal.tenant_id == tenant_id || principal.is_admin()) return;
  throw common::Error(common::ErrorCode::kForbidden,
                      "this token may not act on tenant " + common::excerpt(tenant_id));
}

size_t Authenticator::cached() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

std::shared_ptr<const db::Principal> Authenticator::lookup_cache(const std::string& hash) {
  if (ttl_.count() <= 0) return nullptr;
  const auto now = clock_.now();
  std::lock_guard lock(mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return nullptr;
  if (it->second.expires <= now) {
    cache_.erase(it);
    return nullptr;
  }
  return it->second.principal;
}

void Authenticator::remember(const std::string& hash,
                             std::shared_ptr<const db::Principal> principal) {
  if (ttl_.count() <= 0) return;
  const auto now = clock_.now();
  std::lock_guard lock(mu_);
  if (cache_.size() >= max_entries_) {
    std::erase_if(cache_, [now](const auto& kv) { return kv.second.expires <= now; });
    if (cache_.size() >= max_entries_) cache_.clear();
  }
  cache_[hash] = Entry{std::move(principal), now + ttl_};
}

}  // namespace automat::api
