// The replication settings files and their inclusion from my.cnf.
#include "datastores/mysql/guest_replication_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "datastores/mysql/guest_mysql_config.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class ReplicationConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/automat-ut-repl-cnf-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    layout_ = MysqlLayout::under(dir_);
    fs::create_directories(layout_.root);
    std::ofstream(layout_.config) << render_my_cnf({"127.10.0.5", layout_, 512});
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
  MysqlLayout layout_;
};

TEST_F(ReplicationConfigTest, ReplicationCnfHasTheGtidSettings) {
  const std::string cnf = render_replication_cnf(layout_, 2131361797);
  EXPECT_TRUE(cnf.starts_with("# Written by automat-guestagent"));
  EXPECT_NE(cnf.find("\n[mariadbd]\n"), std::string::npos);
  for (const std::string& line : std::vector<std::string>{
           "server-id = 2131361797", "log-bin = " + layout_.data_dir + "/mysql-bin",
           "relay-log = " + layout_.data_dir + "/relay-bin", "binlog-format = ROW",
           "log-slave-updates = ON", "gtid-strict-mode = ON",
           "binlog-expire-logs-seconds = 604800"}) {
    EXPECT_NE(cnf.find("\n" + line + "\n"), std::string::npos) << line;
  }
  EXPECT_NE(render_read_only_cnf(true).find("\nread-only = ON\n"), std::string::npos);
  EXPECT_NE(render_read_only_cnf(false).find("\nread-only = OFF\n"), std::string::npos);
}

TEST_F(ReplicationConfigTest, IncludeIsAddedOnceAndKeepsMyCnf) {
  const std::string before = read(layout_.config);
  ensure_conf_dir_included(layout_);
  ensure_conf_dir_included(layout_);
  const std::string after = read(layout_.config);
  EXPECT_TRUE(after.starts_with(before));
  EXPECT_EQ(count(after, "\n" + conf_dir_include_line(layout_) + "\n"), 1u) << after;
  EXPECT_EQ(conf_dir_include_line(layout_), "!includedir " + layout_.root + "/conf.d");
  EXPECT_TRUE(fs::is_directory(conf_dir(layout_)));
  struct stat st {};
  ASSERT_EQ(::stat(layout_.config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  // A my.cnf without the line (written by an older guest) gets it back.
  std::ofstream(layout_.config) << "[mariadbd]\nport = 3306\n";
  ensure_conf_dir_included(layout_);
  EXPECT_EQ(count(read(layout_.config), conf_dir_include_line(layout_)), 1u);
}

TEST_F(ReplicationConfigTest, ConfFilesAreReplacedWhole) {
  ensure_conf_dir_included(layout_);
  write_conf_file(layout_, "read_only.cnf", render_read_only_cnf(true));
  write_conf_file(layout_, "read_only.cnf", render_read_only_cnf(false));
  const std::string path = conf_dir(layout_) + "/read_only.cnf";
  EXPECT_EQ(read(path), render_read_only_cnf(false));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(ReplicationConfigTest, MissingMyCnfIsAnError) {
  fs::remove(layout_.config);
  try {
    ensure_conf_dir_included(layout_);
    ADD_FAILURE() << "included into a missing my.cnf";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    EXPECT_NE(std::string(e.what()).find(layout_.config), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(layout_.config));
}

}  // namespace
}  // namespace automat::datastores::mysql
