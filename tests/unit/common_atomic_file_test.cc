// common/atomic_file.h: whole replacements with the asked mode, a file
// another program wrote moved into place, reads.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/error.h"

namespace automat::common {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/atomic-file-test.XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string dir;
};

TEST_F(AtomicFileTest, ReplacesTheWholeFileWithTheAskedMode) {
  const std::string path = dir + "/state";
  write_file_atomically(path, "first version, longer than the second\n", 0644);
  write_file_atomically(path, "second\n", 0600);
  EXPECT_EQ(read_file(path), "second\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp")) << "no temporary left behind";
}

TEST_F(AtomicFileTest, AModeWiderThanTheUmaskIsKept) {
  const mode_t old = ::umask(077);
  write_file_atomically(dir + "/conf", "x", 0644);
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(AtomicFileTest, AFailedWriteKeepsTheOldFileAndSaysWhy) {
  const std::string path = dir + "/keep";
  write_file_atomically(path, "old");
  // A directory where the temporary would go makes the write fail.
  std::filesystem::create_directory(path + ".tmp");
  std::filesystem::create_directory(path + ".tmp/x");
  try {
    write_file_atomically(path, "new");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(path), "old");
}

TEST_F(AtomicFileTest, AWrittenFileReplacesTheOldOneWhole) {
  const std::string path = dir + "/server.jsa";
  write_file_atomically(path, "old archive");
  write_file_atomically(path + ".partial", "new archive");
  replace_file_with(path, path + ".partial");
  EXPECT_EQ(read_file(path), "new archive");
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST_F(AtomicFileTest, AMissingWrittenFileKeepsTheOldOneAndSaysWhich) {
  const std::string path = dir + "/server.jsa";
  write_file_atomically(path, "old archive");
  try {
    replace_file_with(path, path + ".partial");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
    EXPECT_NE(std::string(e.what()).find(path + ".partial"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(path), "old archive");
}

TEST_F(AtomicFileTest, ReadingAMissingFileIsNullopt) {
  EXPECT_EQ(read_file(dir + "/nothing"), std::nullopt);
  EXPECT_THROW(read_file(dir), Error);  // a directory cannot be read as a file
}

}  // namespace
}  // namespace automat::common
