#pragma once
// A SHA-256 computed piece by piece as bytes stream past (OpenSSL EVP), for
// checksums of objects too large to hold in memory.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace automat::storage {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // Lower-case hex of everything given so far; the hasher is spent after it.
  std::string hex();

  // The hex SHA-256 of `bytes` at once.
  static std::string of(std::string_view bytes);

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

}  // namespace automat::storage
