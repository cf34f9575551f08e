#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/config.h"
#include "common/error.h"
#include "common/service_args.h"

namespace automat::common {
namespace {

TEST(Config, ReadsSectionsAndFallsBackToDefault) {
  const auto cfg = Config::from_string(
      "# comment\n"
      "; also a comment\n"
      "database_url = postgresql://x\n"
      "[DEFAULT]\n"
      "log_level = warn\n"
      "[conductor]\n"
      "  prefetch =  250  \n"
      "log_level = debug\n"
      "empty =\n");
  EXPECT_EQ(cfg.get("conductor", "prefetch"), "250");
  EXPECT_EQ(cfg.get("conductor", "log_level"), "debug");
  EXPECT_EQ(cfg.get("api", "log_level"), "warn");
  EXPECT_EQ(cfg.get("api", "database_url"), "postgresql://x");
  EXPECT_EQ(cfg.get("conductor", "empty", "fallback"), "");
  EXPECT_EQ(cfg.get("conductor", "missing", "fallback"), "fallback");
  EXPECT_FALSE(cfg.find("conductor", "missing").has_value());
}

TEST(Config, TypedGetters) {
  const auto cfg = Config::from_string(
      "[s]\nn = 42\nd = 0.5\nt = true\nf = false\nyes = yes\none = 1\nbad = 12abc\nword = x\n");
  EXPECT_EQ(cfg.get_int("s", "n", 0), 42);
  EXPECT_EQ(cfg.get_int("s", "absent", 7), 7);
  EXPECT_DOUBLE_EQ(cfg.get_double("s", "d", 0), 0.5);
  EXPECT_TRUE(cfg.get_bool("s", "t", false));
  EXPECT_TRUE(cfg.get_bool("s", "yes", false));
  EXPECT_TRUE(cfg.get_bool("s", "one", false));
  EXPECT_FALSE(cfg.get_bool("s", "f", true));
  EXPECT_TRUE(cfg.get_bool("s", "absent", true));
  try {
    cfg.get_int("s", "word", 0);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("word"), std::string::npos);
  }
  EXPECT_THROW(cfg.get_double("s", "word", 0), Error);
}

TEST(Config, SetOverridesTheFile) {
  auto cfg = Config::from_string("[conductor]\nprefetch = 10\n");
  cfg.set("conductor", "prefetch", "20");
  cfg.set("DEFAULT", "amqp_url", "amqp://h/");
  EXPECT_EQ(cfg.get_int("conductor", "prefetch", 0), 20);
  EXPECT_EQ(cfg.get("conductor", "amqp_url"), "amqp://h/");
}

TEST(Config, ParseErrorsNameTheLine) {
  try {
    Config::from_string("[ok]\na = 1\n[broken\n");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  try {
    Config::from_string("[ok]\nno equals sign\n");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(Config, LoadNamesTheFileOnErrors) {
  EXPECT_THROW(Config::load("/nonexistent/automat.conf"), Error);
  const auto path = std::filesystem::temp_directory_path() /
                    ("automat_config_test_" + std::to_string(::getpid()) + ".conf");
  { std::ofstream(path) << "[a]\nbad line\n"; }
  try {
    Config::load(path.string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  { std::ofstream(path) << "[a]\nk = v\n"; }
  EXPECT_EQ(Config::load(path.string()).get("a", "k"), "v");
  std::filesystem::remove(path);
}

class ServiceArgsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("automat_args_test_" + std::to_string(::getpid()) + ".conf");
    std::ofstream(path_) << "[DEFAULT]\nlog_level = info\n[conductor]\nprefetch = 10\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }

  Config parse(std::vector<std::string> argv) {
    CLI::App app;
    ServiceArgs args(app);
    argv.insert(argv.begin(), "prog");
    std::vector<const char*> raw;
    for (const auto& a : argv) raw.push_back(a.c_str());
    app.parse(static_cast<int>(raw.size()), raw.data());
    return args.load();
  }

  std::filesystem::path path_;
};

TEST_F(ServiceArgsTest, SetOverridesFileValues) {
  const auto cfg = parse({"--config", path_.string(), "--set", "conductor.prefetch=99", "--set",
                          "DEFAULT.log_level=debug", "--set", "api.url=http://a/b?c=d"});
  EXPECT_EQ(cfg.get_int("conductor", "prefetch", 0), 99);
  EXPECT_EQ(cfg.get("conductor", "log_level"), "debug");
  EXPECT_EQ(cfg.get("api", "url"), "http://a/b?c=d");
}

TEST_F(ServiceArgsTest, MalformedSetIsABadRequest) {
  for (const std::string bad : {"noequals", "nodot=1", "a=b.c"}) {
    try {
      parse({"--config", path_.string(), "--set", bad});
      FAIL() << "accepted --set " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos);
    }
  }
}

TEST_F(ServiceArgsTest, MissingConfigFileIsABadRequest) {
  try {
    parse({"--config", "/nonexistent/x.conf"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
  }
}

}  // namespace
}  // namespace automat::common
