#pragma once
// Hashing, signing and random identifiers (OpenSSL).
#include <string>

namespace automat::common::crypto {

std::string sha256_hex(const std::string& data);
std::string hmac_sha256_hex(const std::string& key, const std::string& data);
// Constant-time comparison of two strings.
bool equal_ct(const std::string& a, const std::string& b);
// `bytes` random bytes from the OS CSPRNG, hex-encoded (2*bytes chars).
std::string random_hex(size_t bytes);
// A random RFC 4122 version-4 UUID, lower-case with dashes.
std::string uuid4();
// A password of `length` characters from [A-Za-z0-9].
std::string random_password(size_t length = 24);

// Per-instance secrets derived from the deployment's guest secret
// ([DEFAULT] guest_secret). The control plane can recompute them; a guest
// holds only its own, so it can speak only for itself.
std::string guest_rpc_token(const std::string& guest_secret, const std::string& instance_id);
std::string guest_signing_key(const std::string& guest_secret, const std::string& instance_id);

}  // namespace automat::common::crypto
