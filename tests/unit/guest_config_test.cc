// The compute -> guest contract (common/guest_conf.h): what a driver renders
// is exactly what the guest parses, and a bad file names its option.
#include <gtest/gtest.h>

#include "common/error.h"
#include "common/guest_conf.h"
#include "guestagent/datastore_manager.h"

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

TEST(GuestConf, ReadsEveryOption) {
  const common::GuestConf g = common::parse_guest_conf(common::Config::from_string(kConf));
  EXPECT_EQ(g.instance_id, "6f1c");
  EXPECT_EQ(g.address, "127.10.0.5");
  EXPECT_EQ(g.port, 8790);
  EXPECT_EQ(g.token, "tok");
  EXPECT_EQ(g.signing_key, "key");
  EXPECT_EQ(g.manager, "mysql");
  EXPECT_EQ(g.ram_mb, 512);
  EXPECT_EQ(g.heartbeat_interval, 3);
  EXPECT_EQ(g.log_level, "debug");
  const NodeContext n = node_context(g);
  EXPECT_EQ(n.instance_dir, "/abs/.automat/instances/6f1c");
  // A guest.conf from before volumes: the datastore's files stay where they were.
  EXPECT_EQ(n.volume_dir, "/abs/.automat/instances/6f1c");
  EXPECT_EQ(n.files_dir(), "/abs/.automat/instances/6f1c");
  EXPECT_EQ(NodeContext{}.files_dir(), "") << "a test's node without a volume";
  EXPECT_EQ(n.address, "127.10.0.5");
  EXPECT_EQ(n.datastore_version, "10.11");
  EXPECT_EQ(n.ram_mb, 512);
}

// The driver's side and the guest's side of one contract: every field the
// driver writes comes back as it was.
TEST(GuestConf, WhatTheDriverRendersTheGuestReadsBack) {
  common::GuestConf c;
  c.instance_id = "i-1";
  c.address = "127.10.0.5";
  c.port = 8781;
  c.token = "tok";
  c.signing_key = "key";
  c.amqp_url = "amqp://guest:guest@127.0.0.1:5672/";
  c.manager = "cassandra";
  c.datastore_version = "5.0.9";
  c.image_location = "/abs/images/cassandra/5.0.9";
  c.ram_mb = 2048;
  c.instance_dir = "/abs/.automat/instances/i-1";
  c.volume_dir = "/abs/.automat/instances/i-1/volume";
  c.heartbeat_interval = 7;
  c.log_level = "debug";
  const std::string text = common::render_guest_conf(c);
  EXPECT_EQ(text.rfind("[guestagent]\n", 0), 0u);
  const common::GuestConf back = common::parse_guest_conf(common::Config::from_string(text));
  EXPECT_EQ(back.instance_id, c.instance_id);
  EXPECT_EQ(back.address, c.address);
  EXPECT_EQ(back.port, c.port);
  EXPECT_EQ(back.token, c.token);
  EXPECT_EQ(back.signing_key, c.signing_key);
  EXPECT_EQ(back.amqp_url, c.amqp_url);
  EXPECT_EQ(back.manager, c.manager);
  EXPECT_EQ(back.datastore_version, c.datastore_version);
  EXPECT_EQ(back.image_location, c.image_location);
  EXPECT_EQ(back.ram_mb, c.ram_mb);
  EXPECT_EQ(back.instance_dir, c.instance_dir);
  EXPECT_EQ(back.volume_dir, c.volume_dir);
  EXPECT_EQ(node_context(back).files_dir(), c.volume_dir);
  EXPECT_EQ(back.heartbeat_interval, c.heartbeat_interval);
  EXPECT_EQ(back.log_level, c.log_level);
}

TEST(GuestConf, MissingOrInvalidOptionsAreNamed) {
  struct Case {
    std::string from, to, named;
  };
  for (const Case& c : std::vector<Case>{
           {"token = tok\n", "", "token"},
           {"address = 127.10.0.5\n", "", "address"},
           {"port = 8790", "port = 0", "port"},
           {"heartbeat_interval = 3", "heartbeat_interval = -1", "heartbeat_interval"},
           {"instance_dir = /abs", "instance_dir = rel", "instance_dir"},
           {"instance_dir = /abs", "volume_dir = rel\ninstance_dir = /abs", "volume_dir"}}) {
    std::string text = kConf;
    text.replace(text.find(c.from), c.from.size(), c.to);
    try {
      common::parse_guest_conf(common::Config::from_string(text));
      ADD_FAILURE() << "accepted a config without a valid " << c.named;
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
      EXPECT_NE(std::string(e.what()).find(c.named), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace automat::guestagent
