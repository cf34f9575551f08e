// The local driver's pure parts: option defaults, instance directory
// naming, the driver registry. (guest.conf: tests/unit/guest_config_test.cc.)
#include <gtest/gtest.h>

#include <filesystem>

#include "common/crypto.h"
#include "common/error.h"
#include "compute/local/local_driver.h"
#include "compute/registry.h"
#include "tests/fakes/fake_repositories.h"

namespace automat::testing {
namespace {

namespace fs = std::filesystem;
using compute::local::LocalDriver;
using compute::local::LocalDriverOptions;

TEST(LocalDriverOptions, ReadsTheConfigAndMakesPathsAbsolute) {
  const auto cfg = common::Config::from_string(
      "[DEFAULT]\nstate_dir = rel/state\nguest_secret = s\namqp_url = amqp://a\n"
      "[compute]\naddress_pool = 127.20.0.0/24\nguest_port = 9000\n"
      "[guestagent]\nheartbeat_interval = 3\n");
  const auto o = LocalDriverOptions::from_config(cfg);
  EXPECT_EQ(o.state_dir, (fs::current_path() / "rel/state").string());
  EXPECT_EQ(o.address_pool, "127.20.0.0/24");
  EXPECT_EQ(o.guest_port, 9000);
  EXPECT_EQ(o.heartbeat_interval, 3);
  EXPECT_EQ(o.amqp_url, "amqp://a");
  const fs::path self = fs::read_symlink("/proc/self/exe");
  EXPECT_EQ(o.guestagent_binary, (self.parent_path() / "automat-guestagent").string())
      << "beside the running binary by default";
}

TEST(LocalDriverOptions, RefusesToRunWithoutAGuestSecret) {
  EXPECT_THROW(LocalDriverOptions::from_config(common::Config::from_string("[compute]\n")),
               common::Error);
}

TEST(LocalDriver, InstanceDirectoriesAreDirectChildrenOfTheStateDir) {
  FakeAddressLeaseRepository leases;
  LocalDriverOptions o;
  o.state_dir = "/srv/automat/./state/";
  o.guest_secret = "s";
  LocalDriver driver(o, leases);
  EXPECT_EQ(driver.instance_dir("abc-123"), "/srv/automat/state/instances/abc-123");
  for (const char* bad : {"", "..", ".", "../etc", "a/b", "a b"}) {
    EXPECT_THROW(driver.instance_dir(bad), common::Error) << "'" << bad << "'";
  }
  EXPECT_THROW(driver.destroy("../../etc"), common::Error);
}

TEST(LocalDriver, FindAnswersFromTheAddressLease) {
  FakeAddressLeaseRepository leases;
  LocalDriverOptions o;
  o.state_dir = "/tmp";
  o.guest_port = 8781;
  LocalDriver driver(o, leases);
  EXPECT_FALSE(driver.find("i-1"));
  leases.lease("i-1", "127.10.0.0/16", {});
  auto server = driver.find("i-1");
  ASSERT_TRUE(server);
  EXPECT_EQ(server->address, "127.10.0.1");
  EXPECT_EQ(server->guest_port, 8781);
  EXPECT_FALSE(driver.guest_running("i-1")) << "no pid file, no guest";
}

TEST(ComputeRegistry, BuildsTheLocalDriverAndRejectsUnknownNames) {
  FakeAddressLeaseRepository leases;
  auto local = compute::make_compute_driver(
      common::Config::from_string("[DEFAULT]\nguest_secret = s\n[compute]\ndriver = local\n"),
      leases);
  EXPECT_NE(dynamic_cast<LocalDriver*>(local.get()), nullptr);
  try {
    compute::make_compute_driver(
        common::Config::from_string("[DEFAULT]\nguest_secret = s\n[compute]\ndriver = nova\n"),
        leases);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("nova"), std::string::npos);
  }
}

}  // namespace
}  // namespace automat::testing
