// The local compute driver for real: it spawns the "guest" (a shell script
// standing in for automat-guestagent that starts a child, as the guest
// starts mariadbd) in a session of its own, and destroy() ends that whole
// session, removes the directory and releases the address lease in the real
// PostgreSQL (AUTOMAT_TEST_DATABASE_URL).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/crypto.h"
#include "common/error.h"
#include "common/process_table.h"
#include "compute/local/local_driver.h"
#include "db/pg_repositories.h"
#include "tests/integration/pg_test_db.h"
#include "tests/integration/process_support.h"

namespace automat::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using compute::local::LocalDriver;
using compute::local::LocalDriverOptions;

constexpr const char* kSecret = "integration-secret";

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class LocalDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("automat-local-" + common::crypto::random_hex(4));
    fs::create_directories(root / "state");
    write_guest_script("/bin/sleep 1000 &\nwait\n");
    options.state_dir = (root / "state").string();
    options.guest_secret = kSecret;
    options.amqp_url = "amqp://guest:guest@127.0.0.1:5672/";
    options.guestagent_binary = (root / "fake-guestagent").string();
    options.address_pool = "127.10.0.0/16";
    options.stop_grace = 2s;
    driver = std::make_unique<LocalDriver>(options, leases);
  }
  void TearDown() override {
    for (const auto& id : created) {
      try {
        driver->destroy(id);
      } catch (const std::exception&) {
      }
    }
    fs::remove_all(root);
  }

  void write_guest_script(const std::string& body) {
    const fs::path p = root / "fake-guestagent";
    std::ofstream(p) << "#!/bin/sh\n" << body;
    fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  }
  compute::ServerSpec spec() {
    compute::ServerSpec s;
    s.instance_id = common::crypto::uuid4();
    s.manager = "mysql";
    s.datastore_version = "10.11";
    s.ram_mb = 512;
    created.push_back(s.instance_id);
    return s;
  }
  pid_t pid_file(const std::string& id) {
    return std::stoi(slurp(fs::path(driver->instance_dir(id)) / "guestagent.pid"));
  }

  PgTestDb& db = PgTestDb::get();
  db::PgAddressLeaseRepository leases{db.pool()};
  fs::path root;
  LocalDriverOptions options;
  std::unique_ptr<LocalDriver> driver;
  std::vector<std::string> created;
};

TEST_F(LocalDriverTest, CreateStartsTheGuestDetachedInItsOwnSession) {
  const auto s = spec();
  const compute::Server server = driver->create(s);
  const fs::path dir = driver->instance_dir(s.instance_id);

  EXPECT_EQ(server.instance_id, s.instance_id);
  EXPECT_EQ(leases.find(s.instance_id), server.address) << "the address is leased";
  EXPECT_EQ(server.address.rfind("127.10.", 0), 0u);
  EXPECT_EQ(server.guest_port, 8780);

  const pid_t pid = pid_file(s.instance_id);
  EXPECT_EQ(session_of(pid), pid) << "the guest leads a session of its own";
  EXPECT_NE(session_of(pid), session_of(::getpid()));
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() >= 2; }))
      << "the guest's child runs in the guest's session";
  EXPECT_TRUE(driver->guest_running(s.instance_id));
  const std::string cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  EXPECT_NE(cmdline.find((dir / "guest.conf").string()), std::string::npos)
      << "--config <dir>/guest.conf on its command line";

  struct stat st {};
  ASSERT_EQ(::stat((dir / "guest.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const auto conf = common::Config::load((dir / "guest.conf").string());
  EXPECT_EQ(conf.get("guestagent", "instance_id"), s.instance_id);
  EXPECT_EQ(conf.get("guestagent", "address"), server.address);
  EXPECT_EQ(conf.get("guestagent", "token"),
            common::crypto::guest_rpc_token(kSecret, s.instance_id));
  EXPECT_EQ(conf.get("guestagent", "signing_key"),
            common::crypto::guest_signing_key(kSecret, s.instance_id));
  EXPECT_EQ(conf.get("guestagent", "instance_dir"), dir.string());
  EXPECT_EQ(conf.get("guestagent", "amqp_url"), options.amqp_url);
  EXPECT_EQ(conf.get("guestagent", "manager"), "mysql");
  EXPECT_TRUE(fs::exists(dir / "guestagent.log"));
}

TEST_F(LocalDriverTest, CreateAgainReusesTheServerAndItsRunningGuest) {
  const auto s = spec();
  const auto first = driver->create(s);
  const pid_t pid = pid_file(s.instance_id);
  const auto second = driver->create(s);
  EXPECT_EQ(second.address, first.address);
  EXPECT_EQ(pid_file(s.instance_id), pid) << "not restarted";
  EXPECT_EQ(in_session(pid).size() >= 1, true);
}

TEST_F(LocalDriverTest, CreateAgainRestartsADeadGuest) {
  const auto s = spec();
  const auto first = driver->create(s);
  const pid_t pid = pid_file(s.instance_id);
  ::kill(pid, SIGKILL);
  ASSERT_TRUE(eventually([&] { return !driver->guest_running(s.instance_id); }));
  const auto again = driver->create(s);
  EXPECT_EQ(again.address, first.address);
  const pid_t restarted = pid_file(s.instance_id);
  EXPECT_NE(restarted, pid);
  EXPECT_TRUE(driver->guest_running(s.instance_id));
  EXPECT_EQ(session_of(restarted), restarted);
}

TEST_F(LocalDriverTest, RestartingADeadGuestEndsWhatItLeftBehind) {
  const auto s = spec();
  driver->create(s);
  const pid_t pid = pid_file(s.instance_id);
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() >= 2; }));
  ::kill(pid, SIGKILL);  // its child (the "datastore") lives on
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() == 1; }));

  driver->create(s);
  EXPECT_TRUE(in_session(pid).empty()) << "the old session is gone";
  EXPECT_TRUE(driver->guest_running(s.instance_id));
}

TEST_F(LocalDriverTest, DestroyEndsTheWholeSessionAndRemovesDirectoryAndLease) {
  const auto s = spec();
  driver->create(s);
  const pid_t pid = pid_file(s.instance_id);
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() >= 2; }));
  const fs::path dir = driver->instance_dir(s.instance_id);

  driver->destroy(s.instance_id);
  EXPECT_TRUE(in_session(pid).empty()) << "guest and child are gone";
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(leases.find(s.instance_id));
  EXPECT_FALSE(driver->guest_running(s.instance_id));
  EXPECT_FALSE(driver->find(s.instance_id));
  EXPECT_NO_THROW(driver->destroy(s.instance_id)) << "idempotent";
}

TEST_F(LocalDriverTest, DestroyEndsChildrenLeftByADeadGuest) {
  const auto s = spec();
  driver->create(s);
  const pid_t pid = pid_file(s.instance_id);
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() >= 2; }));
  ::kill(pid, SIGKILL);  // the guest dies; its child (the "datastore") lives on
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() == 1; }));

  driver->destroy(s.instance_id);
  EXPECT_TRUE(in_session(pid).empty());
  EXPECT_FALSE(fs::exists(driver->instance_dir(s.instance_id)));
}

TEST_F(LocalDriverTest, DestroyKillsWhatIgnoresSigterm) {
  write_guest_script("trap '' TERM\n/bin/sleep 1000 &\nwait\n");
  options.stop_grace = 500ms;
  driver = std::make_unique<LocalDriver>(options, leases);
  const auto s = spec();
  driver->create(s);
  const pid_t pid = pid_file(s.instance_id);
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() >= 2; }));
  const auto started = std::chrono::steady_clock::now();
  driver->destroy(s.instance_id);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 500ms) << "SIGTERM first, then the wait";
  EXPECT_TRUE(in_session(pid).empty());
}

TEST_F(LocalDriverTest, DestroyRefusesADirectoryThatLeadsOutsideTheStateDir) {
  const auto s = spec();
  const fs::path outside = root / "precious";
  fs::create_directories(outside);
  std::ofstream(outside / "data") << "keep me";
  fs::create_directories(root / "state" / "instances");
  fs::create_directory_symlink(outside, driver->instance_dir(s.instance_id));

  EXPECT_THROW(driver->destroy(s.instance_id), common::Error);
  EXPECT_TRUE(fs::exists(outside / "data"));
  fs::remove(driver->instance_dir(s.instance_id));
  created.clear();
}

TEST_F(LocalDriverTest, GuestRunningIgnoresAReusedPid) {
  const auto s = spec();
  driver->create(s);
  driver->destroy(s.instance_id);
  fs::create_directories(driver->instance_dir(s.instance_id));
  // The pid file names a live process that is not this instance's guest.
  std::ofstream(fs::path(driver->instance_dir(s.instance_id)) / "guestagent.pid") << ::getpid();
  EXPECT_FALSE(driver->guest_running(s.instance_id));
}

TEST_F(LocalDriverTest, AGuestBinaryThatCannotRunFailsCreateWithAReason) {
  options.guestagent_binary = (root / "missing-binary").string();
  driver = std::make_unique<LocalDriver>(options, leases);
  const auto s = spec();
  try {
    driver->create(s);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing-binary"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(driver->guest_running(s.instance_id));
}

// Listens on `address` (any free port) until destroyed, as an orphan guest would.
class Listener {
 public:
  explicit Listener(const std::string& address) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 1) != 0) {
      throw std::runtime_error("cannot listen on " + address);
    }
  }
  ~Listener() { ::close(fd_); }

 private:
  int fd_ = -1;
};

// A /24 of 127.31.0.0/16 of its own per test.
std::string fresh_pool() {
  return "127.31." + std::to_string(std::stoi(common::crypto::random_hex(1), nullptr, 16) % 240) +
         ".0/24";
}

// The address the driver's next new lease would get.
std::string next_free(db::AddressLeaseRepository& leases, const std::string& pool) {
  const std::string probe_id = "probe-" + common::crypto::random_hex(4);
  const std::string address = leases.lease(probe_id, pool, {});
  leases.release(probe_id);
  return address;
}

TEST_F(LocalDriverTest, CreateSkipsAnAddressSomethingStillListensOn) {
  options.address_pool = fresh_pool();
  driver = std::make_unique<LocalDriver>(options, leases);
  const std::string busy = next_free(leases, options.address_pool);
  Listener orphan(busy);  // e.g. a guest whose instance records were lost

  const auto s = spec();
  const auto server = driver->create(s);
  EXPECT_NE(server.address, busy);
  EXPECT_EQ(leases.find(s.instance_id), server.address);
  const auto conf = common::Config::load(driver->instance_dir(s.instance_id) + "/guest.conf");
  EXPECT_EQ(conf.get("guestagent", "address"), server.address);
  for (const auto& l : leases.list()) EXPECT_NE(l.address, busy) << l.instance_id;
}

TEST_F(LocalDriverTest, AResumedCreateMovesOffItsLeasedAddressWhenSomethingElseListensThere) {
  options.address_pool = fresh_pool();
  driver = std::make_unique<LocalDriver>(options, leases);
  const auto s = spec();
  const std::string first = leases.lease(s.instance_id, options.address_pool, {});
  Listener squatter(first);  // the guest was never started; something else took the address
  const auto server = driver->create(s);
  EXPECT_NE(server.address, first);
  EXPECT_EQ(leases.find(s.instance_id), server.address);
}

TEST_F(LocalDriverTest, CreateGivesUpWhenEveryAddressItTriesIsInUse) {
  class EverythingBusy : public compute::local::ListenerProbe {
   public:
    std::vector<int> listening_ports(const std::string&) override { return {3306}; }
  };
  driver = std::make_unique<LocalDriver>(options, leases, std::make_unique<EverythingBusy>());
  const auto s = spec();
  try {
    driver->create(s);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("listening"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(leases.find(s.instance_id)) << "no lease kept";
  EXPECT_FALSE(driver->guest_running(s.instance_id));
}

TEST_F(LocalDriverTest, FootprintsShowTheDirectoryProcessesAndLeaseOfEachServer) {
  const auto s = spec();
  const auto server = driver->create(s);
  const pid_t pid = pid_file(s.instance_id);
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() >= 2; }));
  std::optional<compute::Footprint> mine;
  for (const auto& fp : driver->footprints()) {
    if (fp.instance_id == s.instance_id) mine = fp;
  }
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->directory, driver->instance_dir(s.instance_id));
  EXPECT_EQ(mine->address, server.address);
  EXPECT_GE(mine->processes.size(), 2u) << "the guest and its child";
  EXPECT_TRUE(std::any_of(mine->processes.begin(), mine->processes.end(), [&](const auto& p) {
    return p.rfind(std::to_string(pid) + " ", 0) == 0;
  })) << "\"<pid> <program>\" of the guest";
  EXPECT_LT(mine->age, std::chrono::seconds(60));

  driver->destroy(s.instance_id);
  for (const auto& fp : driver->footprints()) EXPECT_NE(fp.instance_id, s.instance_id);
}

TEST_F(LocalDriverTest, ADatastoreLeftByADeadGuestWithoutPidFileIsFoundAndStopped) {
  // The "datastore" names a file of the instance, as mariadbd names its my.cnf.
  // No command substitution: its short-lived fork would count as the
  // session's second process before the datastore started.
  write_guest_script("tail -f \"${2%/*}/guestagent.log\" &\nwait\n");
  driver = std::make_unique<LocalDriver>(options, leases);
  const auto s = spec();
  driver->create(s);
  const pid_t pid = pid_file(s.instance_id);
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() >= 2; }));
  ::kill(pid, SIGKILL);  // the guest dies; its datastore lives on
  ASSERT_TRUE(eventually([&] { return in_session(pid).size() == 1; }));
  fs::remove(fs::path(driver->instance_dir(s.instance_id)) / "guestagent.pid");

  bool found = false;
  for (const auto& fp : driver->footprints()) {
    if (fp.instance_id == s.instance_id) found = fp.processes.size() == 1;
  }
  EXPECT_TRUE(found) << "the leftover is part of the instance's footprint";
  driver->destroy(s.instance_id);
  EXPECT_TRUE(in_session(pid).empty());
}

TEST(ProcessIdentity, ASignalGoesOnlyToTheProcessFirstSeen) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl("/bin/sleep", "sleep", "1000", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(child, 0);
  common::ProcessIdentity seen;
  ASSERT_TRUE(eventually([&] {
    for (const auto& p : common::process_table()) {
      if (p.pid == child && !p.args.empty() && p.args[0] == "sleep") seen = p;
    }
    return seen.pid == child;
  }));
  auto reused = seen;
  reused.start_ticks += 1;  // the same pid, started at another time: another process
  EXPECT_FALSE(common::signal_same_process(reused, SIGKILL));
  auto other_command = seen;
  other_command.args = {"mariadbd"};
  EXPECT_FALSE(common::signal_same_process(other_command, SIGKILL));
  EXPECT_TRUE(common::process_alive(child)) << "neither was signalled";

  EXPECT_TRUE(common::signal_same_process(seen, SIGKILL));
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(common::signal_same_process(seen, SIGKILL)) << "gone";
}

// --- volumes (compute/local/volumes.h) ---------------------------------

constexpr int64_t kGiB = int64_t{1} << 30;

struct Usage {
  int64_t total = 0;
  int64_t free = 0;
};
Usage usage_of(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) return {};
  return {static_cast<int64_t>(st.f_blocks * st.f_frsize),
          static_cast<int64_t>(st.f_bavail * st.f_frsize)};
}

bool is_mount_point(const std::string& path) {
  return std::system(("mountpoint -q '" + path + "'").c_str()) == 0;
}

// Writes 1 MiB blocks to `fd` until the filesystem refuses; returns errno.
int fill(int fd, int64_t limit) {
  const std::string block(1 << 20, 'x');
  for (int64_t written = 0; written < limit;) {
    const ssize_t n = ::write(fd, block.data(), block.size());
    if (n < 0) return errno;
    written += n;
  }
  return 0;
}

#define SKIP_WITHOUT_LOOP_VOLUMES()                                                             \
  if (!driver->real_volumes()) {                                                                \
    GTEST_SKIP() << "volumes are plain directories here: " << driver->volume_fallback_reason(); \
  }

TEST_F(LocalDriverTest, CreateMountsAFilesystemOfTheVolumeSize) {
  auto s = spec();
  s.volume_gb = 1;
  SKIP_WITHOUT_LOOP_VOLUMES();
  driver->create(s);
  const std::string volume = driver->volume_dir(s.instance_id);
  EXPECT_TRUE(is_mount_point(volume));
  const Usage u = usage_of(volume);
  // XFS keeps a little for its log and metadata.
  EXPECT_GT(u.total, kGiB * 9 / 10);
  EXPECT_LE(u.total, kGiB);
  const auto conf = common::Config::load(driver->instance_dir(s.instance_id) + "/guest.conf");
  EXPECT_EQ(conf.get("guestagent", "volume_dir"), volume);
  const fs::path image = root / "state" / "volumes" / (s.instance_id + ".img");
  ASSERT_TRUE(fs::exists(image));
  EXPECT_EQ(fs::file_size(image), static_cast<uintmax_t>(kGiB));
  struct stat st {};
  ASSERT_EQ(::stat(image.c_str(), &st), 0);
  EXPECT_LT(st.st_blocks * 512, kGiB / 4) << "the image is sparse";
}

TEST_F(LocalDriverTest, AFullVolumeIsENOSPCAndGrowsOnlineUnderAnOpenFile) {
  auto s = spec();
  s.volume_gb = 1;
  SKIP_WITHOUT_LOOP_VOLUMES();
  driver->create(s);
  const std::string volume = driver->volume_dir(s.instance_id);
  const std::string path = volume + "/filler";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(fill(fd, 2 * kGiB), ENOSPC) << "the volume's size is a real limit";

  driver->resize_volume(s.instance_id, 2);
  EXPECT_GT(usage_of(volume).total, 2 * kGiB * 9 / 10);
  EXPECT_GT(usage_of(volume).free, kGiB * 8 / 10);
  // The same open file on the same mount writes on: nothing was remounted.
  EXPECT_EQ(fill(fd, 256 << 20), 0);
  ::close(fd);
  driver->resize_volume(s.instance_id, 2);  // idempotent
  try {
    driver->resize_volume(s.instance_id, 1);
    ADD_FAILURE() << "a volume shrank";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("only grow"), std::string::npos) << e.what();
  }
  EXPECT_THROW(driver->resize_volume("no-such-instance", 3), common::Error);
}

TEST_F(LocalDriverTest, CreateAgainMountsAVolumeLeftUnmountedWithItsFiles) {
  auto s = spec();
  s.volume_gb = 1;
  SKIP_WITHOUT_LOOP_VOLUMES();
  driver->create(s);
  const std::string volume = driver->volume_dir(s.instance_id);
  std::ofstream(volume + "/kept") << "data";
  driver->destroy(s.instance_id);  // (also proves destroy handles a mounted volume)
  EXPECT_FALSE(fs::exists(driver->instance_dir(s.instance_id)));

  auto again = spec();
  again.volume_gb = 1;
  driver->create(again);
  const std::string second = driver->volume_dir(again.instance_id);
  std::ofstream(second + "/kept") << "data";
  // As after a reboot: the image is there, nothing is mounted.
  ASSERT_EQ(std::system(("umount '" + second + "'").c_str()), 0);
  EXPECT_FALSE(fs::exists(second + "/kept"));
  driver->create(again);
  EXPECT_TRUE(is_mount_point(second));
  EXPECT_EQ(slurp(second + "/kept"), "data");
}

TEST_F(LocalDriverTest, DestroyUnmountsTheVolumeAndRemovesItsImage) {
  auto s = spec();
  s.volume_gb = 1;
  SKIP_WITHOUT_LOOP_VOLUMES();
  driver->create(s);
  const std::string volume = driver->volume_dir(s.instance_id);
  ASSERT_TRUE(is_mount_point(volume));
  driver->destroy(s.instance_id);
  EXPECT_FALSE(is_mount_point(volume));
  EXPECT_FALSE(fs::exists(root / "state" / "volumes" / (s.instance_id + ".img")));
  EXPECT_FALSE(fs::exists(driver->instance_dir(s.instance_id)));
  driver->destroy(s.instance_id);  // idempotent
}

TEST_F(LocalDriverTest, DirectoryVolumesAreOnlyNumbers) {
  options.volumes = compute::local::VolumeMode::kDirectory;
  driver = std::make_unique<LocalDriver>(options, leases);
  auto s = spec();
  s.volume_gb = 1;
  driver->create(s);
  EXPECT_FALSE(driver->real_volumes());
  EXPECT_NE(driver->volume_fallback_reason().find("directory"), std::string::npos);
  const std::string volume = driver->volume_dir(s.instance_id);
  EXPECT_TRUE(fs::is_directory(volume));
  EXPECT_FALSE(is_mount_point(volume));
  driver->resize_volume(s.instance_id, 2);  // recorded by the caller; nothing to grow
  EXPECT_FALSE(fs::exists(root / "state" / "volumes" / (s.instance_id + ".img")));
}

}  // namespace
}  // namespace automat::testing
