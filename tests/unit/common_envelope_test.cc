#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/guest_envelope.h"

namespace automat::common {
namespace {

proto::GuestEnvelope signed_envelope(const std::string& key) {
  proto::GuestEnvelope env;
  env.set_instance_id("inst-1");
  env.set_method("heartbeat");
  env.set_sent_us(1700000000000001);
  proto::Heartbeat hb;
  hb.set_service_status("RUNNING");
  env.set_payload(hb.SerializeAsString());
  sign_envelope(env, key);
  return env;
}

TEST(GuestEnvelope, SignedEnvelopeVerifies) {
  const std::string key = crypto::guest_signing_key("secret", "inst-1");
  const auto env = signed_envelope(key);
  EXPECT_EQ(env.signature().size(), 64u);
  EXPECT_TRUE(verify_envelope(env, key));
  // Survives the wire.
  proto::GuestEnvelope back;
  ASSERT_TRUE(back.ParseFromString(env.SerializeAsString()));
  EXPECT_TRUE(verify_envelope(back, key));
}

TEST(GuestEnvelope, WrongKeyFails) {
  const auto env = signed_envelope(crypto::guest_signing_key("secret", "inst-1"));
  EXPECT_FALSE(verify_envelope(env, crypto::guest_signing_key("secret", "inst-2")));
  EXPECT_FALSE(verify_envelope(env, crypto::guest_signing_key("other", "inst-1")));
}

TEST(GuestEnvelope, TamperingWithAnyFieldIsDetected) {
  const std::string key = crypto::guest_signing_key("secret", "inst-1");
  auto tampered = signed_envelope(key);
  tampered.set_instance_id("inst-2");
  EXPECT_FALSE(verify_envelope(tampered, key));
  tampered = signed_envelope(key);
  tampered.set_method("other");
  EXPECT_FALSE(verify_envelope(tampered, key));
  tampered = signed_envelope(key);
  tampered.set_sent_us(tampered.sent_us() + 1);
  EXPECT_FALSE(verify_envelope(tampered, key));
  tampered = signed_envelope(key);
  proto::Heartbeat hb;
  hb.set_service_status("FAILED");
  tampered.set_payload(hb.SerializeAsString());
  EXPECT_FALSE(verify_envelope(tampered, key));
  tampered = signed_envelope(key);
  tampered.set_signature("");
  EXPECT_FALSE(verify_envelope(tampered, key));
  tampered = signed_envelope(key);
  std::string sig = tampered.signature();
  sig[0] = sig[0] == 'a' ? 'b' : 'a';
  tampered.set_signature(sig);
  EXPECT_FALSE(verify_envelope(tampered, key));
}

}  // namespace
}  // namespace automat::common
