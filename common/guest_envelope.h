#pragma once
// Signing of guest -> conductor messages. A guest holds only its own key
// (crypto::guest_signing_key of its instance id), so it can speak only for
// itself; the conductor recomputes the key from [DEFAULT] guest_secret.
#include <string>

#include "automat/messages.pb.h"

namespace automat::common {

// GuestEnvelope.method of a Heartbeat (its payload): the one method guests
// send today, named once for the guest that sends it and the conductor that
// routes it.
inline constexpr const char* kHeartbeatMethod = "heartbeat";

// Fills env.signature from the other fields.
void sign_envelope(proto::GuestEnvelope& env, const std::string& signing_key);
// True when env.signature matches `signing_key` (constant-time compare).
bool verify_envelope(const proto::GuestEnvelope& env, const std::string& signing_key);

}  // namespace automat::common
