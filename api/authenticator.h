#pragma once
// X-Auth-Token -> principal. Tokens are looked up by their SHA-256 hash (the
// token itself is never stored or logged); answers are cached in memory by
// hash for a bounded time and number of entries, so the hot path costs one
// hash and one map lookup. Thread-safe.
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "db/models.h"
#include "db/repositories.h"

namespace automat::api {

class Authenticator {
 public:
  // `tokens` and `clock` must outlive this. A token found is trusted for
  // `cache_ttl` without asking the database again (so a revoked token keeps
  // working at most that long); unknown tokens are never cached.
  Authenticator(db::TokenRepository& tokens, const common::Clock& clock,
                std::chrono::seconds cache_ttl, size_t max_entries = 10000);

  // The principal owning `token`. Throws common::Error(kUnauthorized) when the
  // token is missing or unknown (or expired), kUnavailable when the database
  // cannot be asked.
  std::shared_ptr<const db::Principal> authenticate(std::string_view token);

  // Throws common::Error(kForbidden) unless `principal` may act on
  // `tenant_id`: its own tenant, or any tenant for an admin.
  static void authorize(const db::Principal& principal, const std::string& tenant_id);

  // Entries currently cached (for tests and metrics).
  size_t cached() const;

 private:
  struct Entry {
    std::shared_ptr<const db::Principal> principal;
    std::chrono::system_clock::time_point expires;
  };

  std::shared_ptr<const db::Principal> lookup_cache(const std::string& hash);
  void remember(const std::string& hash, std::shared_ptr<const db::Principal> principal);

  db::TokenRepository& tokens_;
  const common::Clock& clock_;
  std::chrono::seconds ttl_;
  size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace automat::api
