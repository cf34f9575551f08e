#include "common/guest_envelope.h"

#include "common/crypto.h"

namespace automat::common {
namespace {

std::string signed_text(const proto::GuestEnvelope& env) {
  return env.instance_id() + "|" + env.method() + "|" + std::to_string(env.sent_us()) + "|" +
         env.payload();
}

}  // namespace

void sign_envelope(proto::GuestEnvelope& env, const std::string& signing_key) {
  env.set_signature(crypto::hmac_sha256_hex(signing_key, signed_text(env)));
}

bool verify_envelope(const proto::GuestEnvelope& env, const std::string& signing_key) {
  return crypto::equal_ct(env.signature(), crypto::hmac_sha256_hex(signing_key, signed_text(env)));
}

}  // namespace automat::common
