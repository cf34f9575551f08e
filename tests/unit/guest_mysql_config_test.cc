// my.cnf rendering, the instance layout and the state record of the MySQL guest.
#include "datastores/mysql/guest_mysql_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "datastores/mysql/guest_mysql_layout.h"
#include "datastores/mysql/guest_mysql_state.h"

namespace automat::datastores::mysql {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(MysqlLayout, EverythingLivesUnderTheInstanceMysqlDir) {
  for (const std::string dir : {"/s/instances/abc", "/s/instances/abc/"}) {
    const MysqlLayout l = MysqlLayout::under(dir);
    EXPECT_EQ(l.root, "/s/instances/abc/mysql");
    EXPECT_EQ(l.data_dir, "/s/instances/abc/mysql/data");
    EXPECT_EQ(l.socket, "/s/instances/abc/mysql/mysqld.sock");
    EXPECT_EQ(l.pid_file, "/s/instances/abc/mysql/mariadbd.pid");
    EXPECT_EQ(l.error_log, "/s/instances/abc/mysql/mariadbd.err");
    EXPECT_EQ(l.config, "/s/instances/abc/mysql/my.cnf");
  }
}

TEST(MysqlConfig, ServerIdIsTheIpv4AddressAsANumber) {
  EXPECT_EQ(server_id_for("127.10.0.5"), (127u << 24) | (10u << 16) | 5u);
  EXPECT_NE(server_id_for("127.10.0.5"), server_id_for("127.10.0.6"));
  EXPECT_EQ(server_id_for("0.0.0.0"), 1u);
  EXPECT_NE(server_id_for("::1"), 0u);
}

TEST(MysqlConfig, BufferPoolIsHalfTheMemoryWithAFloor) {
  EXPECT_EQ(buffer_pool_mb(512), 256);
  EXPECT_EQ(buffer_pool_mb(4096), 2048);
  EXPECT_EQ(buffer_pool_mb(40), 32);
  EXPECT_EQ(buffer_pool_mb(0), 128);
}

TEST(MysqlConfig, RendersBindingPathsAndSizing) {
  const std::string cnf =
      render_my_cnf({"127.10.0.5", MysqlLayout::under("/s/instances/abc"), 1024});
  EXPECT_TRUE(has_line(cnf, "[mariadbd]")) << cnf;
  EXPECT_TRUE(has_line(cnf, "bind-address = 127.10.0.5"));
  EXPECT_TRUE(has_line(cnf, "port = 3306"));
  EXPECT_TRUE(has_line(cnf, "user = mysql"));
  EXPECT_TRUE(has_line(cnf, "datadir = /s/instances/abc/mysql/data"));
  // Its own tmpdir: a starting mariadbd deletes every #sql file in its tmpdir,
  // which would break another instance bootstrapping in a shared /tmp.
  EXPECT_TRUE(has_line(cnf, "tmpdir = /s/instances/abc/mysql/tmp"));
  EXPECT_TRUE(has_line(cnf, "socket = /s/instances/abc/mysql/mysqld.sock"));
  EXPECT_TRUE(has_line(cnf, "pid-file = /s/instances/abc/mysql/mariadbd.pid"));
  EXPECT_TRUE(has_line(cnf, "log-error = /s/instances/abc/mysql/mariadbd.err"));
  EXPECT_TRUE(has_line(cnf, "server-id = " + std::to_string(server_id_for("127.10.0.5"))));
  EXPECT_TRUE(has_line(cnf, "innodb_buffer_pool_size = 512M"));
  EXPECT_TRUE(has_line(cnf, "skip-name-resolve"));
  EXPECT_TRUE(has_line(cnf, "performance_schema = OFF"));
  // Replication settings live in conf.d/ and survive every re-render.
  EXPECT_TRUE(has_line(cnf, "!includedir /s/instances/abc/mysql/conf.d")) << cnf;
}

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/automat-guest-state-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(StateFileTest, MissingFileMeansNothingHappenedYet) {
  const MysqlState s = load_state(dir_ + "/state");
  EXPECT_FALSE(s.installed);
  EXPECT_FALSE(s.prepared);
  EXPECT_FALSE(s.should_run);
}

TEST_F(StateFileTest, RoundTripsEveryFlag) {
  const std::string path = dir_ + "/state";
  save_state(path, {true, false, true});
  MysqlState s = load_state(path);
  EXPECT_TRUE(s.installed);
  EXPECT_FALSE(s.prepared);
  EXPECT_TRUE(s.should_run);
  save_state(path, {true, true, false});
  s = load_state(path);
  EXPECT_TRUE(s.prepared);
  EXPECT_FALSE(s.should_run);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(StateFileTest, UnwritableLocationThrows) {
  EXPECT_THROW(save_state(dir_ + "/missing/dir/state", {}), std::exception);
}

TEST(MysqlLayout, ADeepInstanceDirMovesOnlyTheSocketToAShortPath) {
  const std::string deep = "/" + std::string(120, 'd') + "/instances/abc";
  const MysqlLayout l = MysqlLayout::under(deep);
  EXPECT_EQ(l.data_dir, deep + "/mysql/data");
  EXPECT_LE(l.socket.size(), MysqlLayout::kMaxSocketPath);
  EXPECT_EQ(l.socket.rfind("/run/automat/", 0), 0u);
  EXPECT_EQ(l.socket, l.socket_dir + "/mysqld.sock");
  // Two instances never share a socket directory.
  EXPECT_NE(MysqlLayout::under(deep + "x").socket, l.socket);
  // A short dir keeps everything under the instance.
  EXPECT_EQ(MysqlLayout::under("/s/instances/abc").socket_dir, "/s/instances/abc/mysql");
}

}  // namespace
}  // namespace automat::datastores::mysql
