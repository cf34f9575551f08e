// `datastore install cassandra` on a fake mvn/tar: the order of attempts
// (distribution, offline, online), the layout it leaves, the cache, errors
// with Maven's reason, the class-archive trainer, and the registration
// (manage::register_installed) of what it installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "common/error.h"
#include "datastores/cassandra/manage_cassandra_conf_files.h"
#include "datastores/cassandra/manage_cassandra_install.h"
#include "manage/commands.h"
#include "tests/fakes/fake_repositories.h"

namespace automat::datastores::cassandra {
namespace {

namespace fs = std::filesystem;

const std::string kNotFound =
    "[ERROR] Failed to execute goal on project cassandra-image: Could not resolve dependencies "
    "for project automat:cassandra-image:pom:1: Could not find artifact "
    "org.apache.cassandra:cassandra-all:jar:5.0.99 in central "
    "(https://repo.maven.apache.org/maven2) -> [Help 1]\n[ERROR] \n";
const std::string kNoDistribution =
    "\x1b[0m[ERROR] Failed to execute goal "
    "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy (default-cli) on project "
    "cassandra-image: Unable to find/resolve artifact. Could not find artifact "
    "org.apache.cassandra:apache-cassandra:tar.gz:bin:5.0.9 in central "
    "(https://repo.maven.apache.org/maven2) -> [Help 1]\n";

std::string option(const std::vector<std::string>& argv, const std::string& prefix) {
  for (const auto& a : argv) {
    if (a.starts_with(prefix)) return a.substr(prefix.size());
  }
  return "";
}

bool has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "x";
}

// Plays mvn and tar: records each call and answers as configured, creating
// the files the real tools would.
class FakeRunner : public common::ProgramRunner {
 public:
  bool distribution_on_central = false;
  bool offline_copy_works = true;
  bool online_copy_works = true;
  std::string copy_failure = kNotFound;
  bool mvn_installed = true;
  std::vector<std::vector<std::string>> calls;

  common::ProgramRun run(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>&) override {
    calls.push_back(argv);
    if (argv[0] == "tar") return untar(argv);
    if (!mvn_installed) return {-1, "cannot run mvn: No such file or directory"};
    const bool offline = has(argv, "-o");
    const std::string out = option(argv, "-DoutputDirectory=");
    if (has_goal(argv, ":copy")) {
      if (!distribution_on_central || offline) return {1, kNoDistribution};
      touch(fs::path(out) / "apache-cassandra-5.0.9-bin.tar.gz");
      return {0, ""};
    }
    if (offline ? !offline_copy_works : !online_copy_works) return {1, copy_failure};
    // <images>/cassandra/<version>.partial.<pid>/lib
    const std::string stage = fs::path(out).parent_path().filename().string();
    const std::string version = stage.substr(0, stage.find(".partial"));
    for (const std::string& jar : {"cassandra-all-" + version + ".jar",
                                   std::string("jamm-0.4.0.jar"), std::string("netty-all.jar")}) {
      touch(fs::path(out) / jar);
    }
    return {0, ""};
  }

  int mvn_calls() const {
    return static_cast<int>(
        std::count_if(calls.begin(), calls.end(), [](const auto& c) { return c[0] == "mvn"; }));
  }

 private:
  static bool has_goal(const std::vector<std::string>& argv, const std::string& suffix) {
    return std::any_of(argv.begin(), argv.end(), [&](const std::string& a) {
      return a.starts_with("org.apache.maven.plugins:") && a.ends_with(suffix);
    });
  }
  static common::ProgramRun untar(const std::vector<std::string>& argv) {
    const fs::path into = argv[4];  // tar -xzf FILE -C DIR
    touch(into / "lib" / "apache-cassandra-5.0.9.jar");
    touch(into / "lib" / "jamm-0.4.0.jar");
    touch(into / "bin" / "nodetool");
    std::ofstream(into / "conf" / "logback.xml") << "<distribution's own/>";
    return {0, ""};
  }
};

class CassandraImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("automat-image-" + common::crypto::random_hex(6));
    spec_.version = "5.0.9";
    spec_.images_dir = (root_ / "images").string();
    spec_.maven_repo = (root_ / "m2").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path image_dir() const { return root_ / "images" / "cassandra" / "5.0.9"; }
  std::string read(const fs::path& p) const {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Only the image (and Maven's repo) under the images dir: no .partial left.
  void expect_no_partial_dirs() const {
    if (!fs::exists(root_ / "images" / "cassandra")) return;
    for (const auto& e : fs::directory_iterator(root_ / "images" / "cassandra")) {
      EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos) << e.path();
    }
  }

  fs::path root_;
  CassandraImageSpec spec_;
  FakeRunner runner_;
  std::ostringstream out_;
};

TEST_F(CassandraImageTest, FreshInstallTriesTheDistributionThenDownloadsCassandraAll) {
  const CassandraImage image = install_cassandra_image(spec_, runner_, out_);
  ASSERT_EQ(runner_.calls.size(), 2u);
  ASSERT_EQ(runner_.calls[0][4], "-f");
  EXPECT_TRUE(runner_.calls[0][5].ends_with(".work/pom.xml")) << runner_.calls[0][5];
  EXPECT_EQ(option(runner_.calls[0], "-Dartifact="),
            "org.apache.cassandra:apache-cassandra:5.0.9:tar.gz:bin");
  EXPECT_FALSE(has(runner_.calls[1], "-o")) << "no offline try when the repository lacks the pom";
  EXPECT_EQ(option(runner_.calls[1], "-Dmaven.repo.local="), spec_.maven_repo);
  EXPECT_EQ(option(runner_.calls[1], "-DincludeScope="), "runtime");

  EXPECT_EQ(image.dir, image_dir().string());
  EXPECT_FALSE(image.cached);
  EXPECT_EQ(image.jars, 3);
  EXPECT_EQ(image.source, "cassandra-all");
  EXPECT_EQ(read(image_dir() / ".complete"), "version=5.0.9 jars=3 jamm=jamm-0.4.0.jar\n");
  for (const auto& f : cassandra_conf_files()) {
    EXPECT_EQ(read(image_dir() / "conf" / f.name), f.text) << f.name;
  }
  EXPECT_TRUE(fs::is_directory(image_dir() / "conf" / "triggers"));  // named by every node
  EXPECT_FALSE(fs::exists(image_dir() / ".work"));
  expect_no_partial_dirs();
  EXPECT_NE(out_.str().find("is not on Maven Central (Could not find artifact "
                            "org.apache.cassandra:apache-cassandra:tar.gz:bin:5.0.9 in central"),
            std::string::npos)
      << out_.str();
}

TEST_F(CassandraImageTest, CompleteImageRunsNothingAndOtherVersionsStillBuild) {
  install_cassandra_image(spec_, runner_, out_);
  runner_.calls.clear();
  std::ostringstream again;
  const CassandraImage cached = install_cassandra_image(spec_, runner_, again);
  EXPECT_TRUE(cached.cached);
  EXPECT_EQ(cached.jars, 3);
  EXPECT_TRUE(runner_.calls.empty());
  EXPECT_NE(again.str().find("already at"), std::string::npos);

  // A marker naming another version, or a jamm jar gone, is not complete.
  std::ofstream(image_dir() / ".complete") << "version=5.0.8 jars=3 jamm=jamm-0.4.0.jar\n";
  EXPECT_FALSE(install_cassandra_image(spec_, runner_, out_).cached);
  fs::remove(image_dir() / "lib" / "jamm-0.4.0.jar");
  EXPECT_FALSE(install_cassandra_image(spec_, runner_, out_).cached);
  EXPECT_TRUE(fs::exists(image_dir() / "lib" / "jamm-0.4.0.jar"));
}

TEST_F(CassandraImageTest, ACachedPomResolvesOfflineFirstAndFallsBackOnline) {
  touch(root_ / "m2/org/apache/cassandra/cassandra-all/5.0.9/cassandra-all-5.0.9.pom");
  install_cassandra_image(spec_, runner_, out_);
  ASSERT_EQ(runner_.mvn_calls(), 2);
  EXPECT_TRUE(has(runner_.calls[1], "-o"));

  fs::remove_all(image_dir());
  runner_.calls.clear();
  runner_.offline_copy_works = false;
  install_cassandra_image(spec_, runner_, out_);
  ASSERT_EQ(runner_.mvn_calls(), 3);
  EXPECT_TRUE(has(runner_.calls[1], "-o"));
  EXPECT_FALSE(has(runner_.calls[2], "-o"));
  EXPECT_TRUE(fs::exists(image_dir() / ".complete"));
}

TEST_F(CassandraImageTest, OfflineNeverGoesOnline) {
  spec_.offline = true;
  runner_.offline_copy_works = false;
  runner_.copy_failure =
      "[ERROR] Failed to execute goal on project cassandra-image: Could not resolve dependencies "
      "for project automat:cassandra-image:pom:1: Cannot access central "
      "(https://repo.maven.apache.org/maven2) in offline mode and the artifact "
      "org.apache.cassandra:cassandra-all:jar:5.0.9 has not been downloaded from it before. -> "
      "[Help 1]";
  try {
    install_cassandra_image(spec_, runner_, out_);
    ADD_FAILURE() << "installed offline from nothing";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("in offline mode"), std::string::npos) << e.what();
  }
  for (const auto& call : runner_.calls) EXPECT_TRUE(has(call, "-o"));
  EXPECT_EQ(runner_.mvn_calls(), 1) << "the distribution is looked up in the repository only";
}

TEST_F(CassandraImageTest, UnknownVersionIsNotFoundWithMavensReasonAndLeavesNothing) {
  spec_.version = "5.0.99";
  runner_.online_copy_works = false;
  try {
    install_cassandra_image(spec_, runner_, out_);
    ADD_FAILURE() << "installed a missing version";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kNotFound);
    EXPECT_STREQ(e.what(),
                 "cannot install Cassandra 5.0.99: Could not find artifact "
                 "org.apache.cassandra:cassandra-all:jar:5.0.99 in central "
                 "(https://repo.maven.apache.org/maven2)");
  }
  EXPECT_FALSE(fs::exists(root_ / "images" / "cassandra" / "5.0.99"));
  expect_no_partial_dirs();
}

TEST_F(CassandraImageTest, BinaryDistributionIsUnpackedAndGetsOurConf) {
  runner_.distribution_on_central = true;
  const CassandraImage image = install_cassandra_image(spec_, runner_, out_);
  EXPECT_EQ(image.source, "binary distribution");
  ASSERT_EQ(runner_.calls.size(), 2u);
  EXPECT_EQ(runner_.calls[1][0], "tar");
  EXPECT_EQ(runner_.calls[1][4], image_dir().string() + ".partial." + std::to_string(::getpid()));
  EXPECT_TRUE(fs::exists(image_dir() / "bin" / "nodetool"));
  EXPECT_EQ(read(image_dir() / "conf" / "logback.xml"), cassandra_conf_files()[2].text);
  EXPECT_EQ(read(image_dir() / ".complete"), "version=5.0.9 jars=2 jamm=jamm-0.4.0.jar\n");

  // Already in the local repository: unpacked without asking Maven.
  fs::remove_all(image_dir());
  touch(root_ / "m2/org/apache/cassandra/apache-cassandra/5.0.9/apache-cassandra-5.0.9-bin.tar.gz");
  runner_.calls.clear();
  install_cassandra_image(spec_, runner_, out_);
  EXPECT_EQ(runner_.mvn_calls(), 0);
}

TEST_F(CassandraImageTest, StaleDirectoryWithoutMarkerIsReplaced) {
  touch(image_dir() / "lib" / "half-copied.jar");
  install_cassandra_image(spec_, runner_, out_);
  EXPECT_FALSE(fs::exists(image_dir() / "lib" / "half-copied.jar"));
  EXPECT_TRUE(fs::exists(image_dir() / ".complete"));
}

TEST_F(CassandraImageTest, BadVersionAndMissingMavenAreClearErrors) {
  spec_.version = "5.0";
  EXPECT_THROW(install_cassandra_image(spec_, runner_, out_), common::Error);
  spec_.version = "5.0.9;rm";
  EXPECT_THROW(install_cassandra_image(spec_, runner_, out_), common::Error);
  EXPECT_TRUE(runner_.calls.empty());
  spec_.version = "5.0.9";
  runner_.mvn_installed = false;
  try {
    install_cassandra_image(spec_, runner_, out_);
    ADD_FAILURE() << "no error without mvn";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("install_deps"), std::string::npos) << e.what();
  }
}

TEST(MavenReason, OneLineFromMavensOutput) {
  EXPECT_EQ(maven_reason(kNoDistribution),
            "Could not find artifact org.apache.cassandra:apache-cassandra:tar.gz:bin:5.0.9 in "
            "central (https://repo.maven.apache.org/maven2)");
  EXPECT_EQ(maven_reason(
                "[ERROR] Failed to execute goal x:copy (default-cli) on project cassandra-image: "
                "Unable to find/resolve artifact. org.apache.cassandra:apache-cassandra:tar.gz:bin:"
                "5.0.9 was not found in https://repo.maven.apache.org/maven2 during a previous "
                "attempt. This failure was cached in the local repository -> [Help 1]"),
            "org.apache.cassandra:apache-cassandra:tar.gz:bin:5.0.9 was not found in "
            "https://repo.maven.apache.org/maven2 during a previous attempt");
  EXPECT_EQ(maven_reason("no errors here\n"), "mvn failed without an [ERROR] line");
}

TEST_F(CassandraImageTest, InstallRegistersTheVersionForClusters) {
  testing::FakeCatalogRepository catalog;
  manage::register_installed(catalog, install_cassandra(spec_, runner_, out_), out_);
  const auto v = catalog.find_version("cassandra", "5.0.9");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->manager, "cassandra");
  EXPECT_EQ(v->image_location, image_dir().string());
  EXPECT_TRUE(v->enabled_cluster);
  EXPECT_EQ(v->min_ram_mb, 1024);
  EXPECT_EQ(catalog.find_datastore("cassandra")->default_version_id, v->id);

  // A second version does not take the default; re-running keeps the id.
  CassandraImageSpec other = spec_;
  other.version = "5.0.8";
  manage::register_installed(catalog, install_cassandra(other, runner_, out_), out_);
  EXPECT_EQ(catalog.find_datastore("cassandra")->default_version_id, v->id);
  manage::register_installed(catalog, install_cassandra(spec_, runner_, out_), out_);
  EXPECT_EQ(catalog.find_version("cassandra", "5.0.9")->id, v->id);

  // What --no-register leaves: the image, and a description nobody stored.
  const db::DatastoreVersion described = install_cassandra(spec_, runner_, out_);
  EXPECT_EQ(described.datastore_name, "cassandra");
  EXPECT_EQ(described.name, "5.0.9");
  EXPECT_EQ(described.image_location, image_dir().string());
}

TEST_F(CassandraImageTest, TheTrainerRunsOnTheImageAndItsFailureOnlyWarns) {
  std::vector<std::string> trained;
  install_cassandra(spec_, runner_, out_,
                    [&](const std::string& dir, std::ostream&) { trained.push_back(dir); });
  EXPECT_EQ(trained, (std::vector<std::string>{image_dir().string()}));
  // A training that fails (port taken, no CDS in this java) costs speed, not the image.
  testing::FakeCatalogRepository other;
  manage::register_installed(
      other,
      install_cassandra(spec_, runner_, out_,
                        [](const std::string&, std::ostream&) {
                          throw common::conflict(
                              "port 7000 on 127.254.0.1 is in use by another process");
                        }),
      out_);
  EXPECT_TRUE(other.find_version("cassandra", "5.0.9"));
  EXPECT_NE(out_.str().find("warning: no class archives for " + image_dir().string() +
                            " (port 7000 on 127.254.0.1 is in use by another process); its "
                            "nodes start without them, slower. Run datastore install again"),
            std::string::npos)
      << out_.str();
}

}  // namespace
}  // namespace automat::datastores::cassandra
