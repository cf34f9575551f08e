// Reading the guest.conf the compute driver writes.
#include "guestagent/guest_config.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace automat::guestagent {
namespace {

const char* kConf = R"([guestagent]
instance_id = 6f1c
address = 127.10.0.5
port = 8790
token = tok
signing_key = key
amqp_url = amqp://guest:guest@127.0.0.1:5672/
manager = mysql
datastore_version = 10.11
image_location =
ram_mb = 512
instance_dir = /abs/.automat/instances/6f1c
heartbeat_interval = 3
log_level = debug
)";

TEST(GuestConfig, ReadsEveryOption) {
  const GuestConfig g = load_guest_config(common::Config::from_string(kConf));
  EXPECT_EQ(g.instance_id, "6f1c");
  EXPECT_EQ(g.address, "127.10.0.5");
  EXPECT_EQ(g.port, 8790);
  EXPECT_EQ(g.token, "tok");
  EXPECT_EQ(g.signing_key, "key");
  EXPECT_EQ(g.manager, "mysql");
  EXPECT_EQ(g.ram_mb, 512);
  EXPECT_EQ(g.heartbeat_interval, 3);
  EXPECT_EQ(g.log_level, "debug");
  const NodeContext n = g.node();
  EXPECT_EQ(n.instance_dir, "/abs/.automat/instances/6f1c");
  EXPECT_EQ(n.address, "127.10.0.5");
  EXPECT_EQ(n.datastore_version, "10.11");
  EXPECT_EQ(n.ram_mb, 512);
}

TEST(GuestConfig, MissingOrInvalidOptionsAreNamed) {
  struct Case {
    std::string from, to, named;
  };
  for (const Case& c : std::vector<Case>{
           {"token = tok\n", "", "token"},
           {"address = 127.10.0.5\n", "", "address"},
           {"port = 8790", "port = 0", "port"},
           {"heartbeat_interval = 3", "heartbeat_interval = -1", "heartbeat_interval"},
           {"instance_dir = /abs", "instance_dir = rel", "instance_dir"}}) {
    std::string text = kConf;
    text.replace(text.find(c.from), c.from.size(), c.to);
    try {
      load_guest_config(common::Config::from_string(text));
      ADD_FAILURE() << "accepted a config without a valid " << c.named;
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
      EXPECT_NE(std::string(e.what()).find(c.named), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace automat::guestagent
