// `automat-manage datastore install cassandra` as a binary: a complete image
// is reused without running mvn and registered in the real database; an
// unknown version fails with Maven's reason (real mvn, offline, against the
// Maven repository in AUTOMAT_CASSANDRA_M2).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/crypto.h"
#include "db/pg_repositories.h"
#include "tests/integration/pg_test_db.h"

namespace automat::testing {
namespace {

namespace fs = std::filesystem;

struct ManageRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

ManageRun run_shell(const std::string& cmd) {
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class ManageInstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("automat-install-" + common::crypto::random_hex(6));
    fs::create_directories(root_ / "bin");
    // A fake mvn first on PATH: it leaves a mark, so a run of it shows.
    const fs::path mvn = root_ / "bin" / "mvn";
    std::ofstream(mvn) << "#!/bin/sh\ntouch '" << (root_ / "mvn-ran").string() << "'\nexit 1\n";
    fs::permissions(mvn, fs::perms::owner_all);
  }
  void TearDown() override { fs::remove_all(root_); }

  // A finished image, as a previous install leaves it.
  fs::path make_complete_image(const fs::path& images, const std::string& version) {
    const fs::path dir = images / "cassandra" / version;
    fs::create_directories(dir / "lib");
    fs::create_directories(dir / "conf");
    std::ofstream(dir / "lib" / "jamm-0.4.0.jar") << "jar";
    std::ofstream(dir / ".complete") << "version=" << version << " jars=1 jamm=jamm-0.4.0.jar\n";
    return dir;
  }

  ManageRun manage(const std::string& database_url, const std::string& args, bool fake_mvn = true) {
    std::string cmd = fake_mvn ? "PATH='" + (root_ / "bin").string() + "':\"$PATH\" " : "";
    cmd += std::string(AUTOMAT_MANAGE_BIN) +
           " --config /dev/null --set 'DEFAULT.database_url=" + database_url + "' " + args;
    return run_shell(cmd);
  }
  bool mvn_ran() const { return fs::exists(root_ / "mvn-ran"); }

  fs::path root_;
};

TEST_F(ManageInstallTest, CompleteImageRunsNoMavenAndRegistersTheVersion) {
  auto& db = PgTestDb::get();
  const fs::path images = root_ / "images";
  const fs::path dir = make_complete_image(images, "5.0.9");
  const auto start = std::chrono::steady_clock::now();
  const ManageRun r = manage(
      db.dsn(), "datastore install cassandra --version 5.0.9 --images-dir " + images.string());
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(mvn_ran()) << r.output;
  EXPECT_LT(took, std::chrono::seconds(1));
  EXPECT_NE(r.output.find("image already at " + dir.string()), std::string::npos) << r.output;

  db::PgCatalogRepository catalog(db.pool());
  const auto v = catalog.find_version("cassandra", "5.0.9");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->manager, "cassandra");
  EXPECT_EQ(v->image_location, dir.string());
  EXPECT_TRUE(v->enabled_cluster);
  EXPECT_EQ(v->min_ram_mb, 1024);
  EXPECT_EQ(catalog.find_datastore("cassandra")->default_version_id, v->id);

  // Again: still no mvn, and the same version row is updated in place.
  const ManageRun again = manage(
      db.dsn(), "datastore install cassandra --version 5.0.9 --images-dir " + images.string());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_FALSE(mvn_ran());
  EXPECT_EQ(catalog.find_version("cassandra", "5.0.9")->id, v->id);
}

TEST_F(ManageInstallTest, DefaultImagesDirIsUnderTheStateDirAndNoRegisterNeedsNoDatabase) {
  const fs::path state = root_ / "state";
  make_complete_image(state / "images", "5.0.8");
  // An unreachable database: --no-register must not open it.
  const ManageRun r = manage("postgresql://postgres@127.0.0.1:1/none",
                             "--set DEFAULT.state_dir=" + state.string() +
                                 " datastore install cassandra --version 5.0.8 --no-register");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(mvn_ran());
  EXPECT_NE(r.output.find((state / "images" / "cassandra" / "5.0.8").string()), std::string::npos)
      << r.output;
  // Registering does need it, and says so.
  const ManageRun down = manage(
      "postgresql://postgres@127.0.0.1:1/none",
      "--set DEFAULT.state_dir=" + state.string() + " datastore install cassandra --version 5.0.8");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.output.find("database unavailable"), std::string::npos) << down.output;
}

TEST_F(ManageInstallTest, UnknownVersionFailsWithMavensReason) {
  const char* m2 = std::getenv("AUTOMAT_CASSANDRA_M2");
  ASSERT_TRUE(m2 && *m2) << "AUTOMAT_CASSANDRA_M2 is not set (./run_tests.sh sets it to the "
                            "Maven repository the Cassandra image was installed with)";
  const fs::path images = root_ / "images";
  const ManageRun r = manage("postgresql://unused",
                             "datastore install cassandra --version 5.0.99 --offline --no-register"
                             " --images-dir " +
                                 images.string() + " --maven-repo " + m2,
                             /*fake_mvn=*/false);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("automat-manage: cannot install Cassandra 5.0.99: "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("org.apache.cassandra:cassandra-all:jar:5.0.99"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(images / "cassandra" / "5.0.99"));
  EXPECT_EQ(r.output.find("[ERROR]"), std::string::npos) << "Maven's raw output leaked";
}

}  // namespace
}  // namespace automat::testing
