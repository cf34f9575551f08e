// The local driver's pure parts: guest.conf contents and mode, option
// defaults, instance directory naming, the driver registry.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "common/error.h"
#include "compute/local/guest_config.h"
#include "compute/local/local_driver.h"
#include "compute/registry.h"
#include "tests/fakes/fake_repositories.h"

namespace automat::testing {
namespace {

namespace fs = std::filesystem;
using compute::local::GuestConfig;
using compute::local::LocalDriver;
using compute::local::LocalDriverOptions;

fs::path temp_dir() {
  const fs::path d =
      fs::temp_directory_path() / ("automat-compute-" + common::crypto::random_hex(4));
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(GuestConfig, RendersEveryKeyTheGuestReads) {
  GuestConfig c;
  c.instance_id = "i-1";
  c.address = "127.10.0.5";
  c.port = 8780;
  c.token = "tok";
  c.signing_key = "key";
  c.amqp_url = "amqp://guest:guest@127.0.0.1:5672/";
  c.manager = "mysql";
  c.datastore_version = "10.11";
  c.ram_mb = 512;
  c.instance_dir = "/abs/.automat/instances/i-1";
  c.heartbeat_interval = 7;
  c.log_level = "debug";
  const std::string text = compute::local::render_guest_config(c);
  const auto cfg = common::Config::from_string(text);
  EXPECT_EQ(text.rfind("[guestagent]\n", 0), 0u);
  EXPECT_EQ(cfg.get("guestagent", "instance_id"), "i-1");
  EXPECT_EQ(cfg.get("guestagent", "address"), "127.10.0.5");
  EXPECT_EQ(cfg.get_int("guestagent", "port", 0), 8780);
  EXPECT_EQ(cfg.get("guestagent", "token"), "tok");
  EXPECT_EQ(cfg.get("guestagent", "signing_key"), "key");
  EXPECT_EQ(cfg.get("guestagent", "amqp_url"), "amqp://guest:guest@127.0.0.1:5672/");
  EXPECT_EQ(cfg.get("guestagent", "manager"), "mysql");
  EXPECT_EQ(cfg.get("guestagent", "datastore_version"), "10.11");
  EXPECT_TRUE(cfg.find("guestagent", "image_location"));
  EXPECT_EQ(cfg.get_int("guestagent", "ram_mb", 0), 512);
  EXPECT_EQ(cfg.get("guestagent", "instance_dir"), "/abs/.automat/instances/i-1");
  EXPECT_EQ(cfg.get_int("guestagent", "heartbeat_interval", 0), 7);
  EXPECT_EQ(cfg.get("guestagent", "log_level"), "debug");
}

TEST(GuestConfig, PrivateFileIsOwnerOnlyEvenWhenItExistedWider) {
  const fs::path dir = temp_dir();
  const fs::path path = dir / "guest.conf";
  { std::ofstream(path) << "old"; }
  ::chmod(path.c_str(), 0644);
  compute::local::write_private_file(path, "new secret text\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(slurp(path), "new secret text\n");
  EXPECT_FALSE(fs::exists(dir / "guest.conf.tmp"));
  fs::remove_all(dir);
}

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
