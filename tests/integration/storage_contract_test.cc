// storage/backup_storage.h's contract (tests/support/backup_storage_contract.h)
// on the file driver (a temporary directory) and on the S3 driver against
// the real S3 server ./run_tests.sh starts (s3proxy on loopback, serving the
// directory AUTOMAT_TEST_S3_DIR), each test in a bucket of its own; plus
// what only S3 has: credentials and buckets. A damaged object is one whose
// file is changed in the driver's directory or in s3proxy's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/crypto.h"
#include "storage/file_storage.h"
#include "storage/s3_storage.h"
#include "tests/support/backup_storage_contract.h"

namespace automat::storage {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) + " is not set (./run_tests.sh sets it)");
  }
  return value;
}

// Flips one byte in the middle of `path`, in place (s3proxy keeps an
// object's metadata beside its file, so the file must stay the same one).
void flip_a_byte(const fs::path& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path.string());
  f.seekg(0, std::ios::end);
  const auto middle = f.tellg() / 2;
  f.seekg(middle);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(middle);
  f.write(&c, 1);
  if (!f.flush()) throw std::runtime_error("cannot write " + path.string());
}

class FileDriver : public ContractDriver {
 public:
  explicit FileDriver(const fs::path& root) : storage_(root / "store") {}
  BackupStorage& storage() override { return storage_; }
  void damage(const std::string& key) override { flip_a_byte(storage_.object_path(key)); }

 private:
  FileStorage storage_;
};

S3Options s3proxy_options(const std::string& bucket) {
  S3Options o;
  o.endpoint = env("AUTOMAT_TEST_S3_ENDPOINT");
  o.region = "us-east-1";
  o.bucket = bucket;
  o.access_key = env("AUTOMAT_TEST_S3_ACCESS_KEY");
  o.secret_key = env("AUTOMAT_TEST_S3_SECRET_KEY");
  o.part_size = kContractPartSize;
  o.list_page_size = 2;  // so that a listing of a few objects spans pages
  return o;
}

// copy_limit: one part, so that every stream of several parts keeps its
// checksum in a companion object (what a stream over 5 GiB does).
S3Options companion_options(const std::string& bucket) {
  S3Options o = s3proxy_options(bucket);
  o.copy_limit = kContractPartSize;
  return o;
}

class S3Driver : public ContractDriver {
 public:
  explicit S3Driver(bool companions = false)
      : bucket_("contract-" + common::crypto::random_hex(6)),
        storage_(companions ? companion_options(bucket_) : s3proxy_options(bucket_)) {
    storage_.create_bucket();
  }
  BackupStorage& storage() override { return storage_; }
  // s3proxy's filesystem backend: a bucket is a directory, an object a file.
  void damage(const std::string& key) override {
    flip_a_byte(fs::path(env("AUTOMAT_TEST_S3_DIR")) / bucket_ / key);
  }

 private:
  std::string bucket_;
  S3Storage storage_;
};

TEST(S3BackupStorage, AWrongSecretIsAnAuthenticationErrorThatDoesNotShowTheSecret) {
  const std::string bucket = "auth-" + common::crypto::random_hex(6);
  S3Storage good(s3proxy_options(bucket));
  good.create_bucket();
  S3Options wrong = s3proxy_options(bucket);
  wrong.secret_key = "wrong-Secret-" + common::crypto::random_hex(8);
  S3Storage bad(wrong);
  std::istringstream in("bytes");
  for (int call = 0; call < 3; ++call) {
    try {
      std::ostringstream out;
      if (call == 0) bad.put("k", in);
      if (call == 1) bad.get("k", out);
      if (call == 2) bad.list("");
      ADD_FAILURE() << "call " << call << " succeeded with a wrong secret";
    } catch (const common::Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable) << message;
      EXPECT_NE(message.find("refused the credentials"), std::string::npos) << message;
      EXPECT_NE(message.find("secret_key"), std::string::npos) << message;
      EXPECT_EQ(message.find(wrong.secret_key), std::string::npos) << message;
      EXPECT_EQ(message.find(env("AUTOMAT_TEST_S3_SECRET_KEY")), std::string::npos) << message;
    }
  }
  EXPECT_TRUE(good.list("").empty()) << "nothing was written with the wrong secret";
}

TEST(S3BackupStorage, AStreamBeyondTheCopyLimitKeepsItsChecksumInAHiddenCompanion) {
  const std::string bucket = "companion-" + common::crypto::random_hex(6);
  S3Storage storage(companion_options(bucket));
  storage.create_bucket();
  const fs::path dir = fs::path(env("AUTOMAT_TEST_S3_DIR")) / bucket;
  std::string bytes(2 * kContractPartSize + 77, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131) >> 3);
  std::istringstream in(bytes);
  const ObjectInfo put = storage.put("backups/b1/data.xb", in);
  EXPECT_EQ(put.sha256, Sha256::of(bytes));
  EXPECT_TRUE(fs::exists(dir / "backups/b1/data.xb.automat-sha256"));
  EXPECT_EQ(storage.head("backups/b1/data.xb")->sha256, Sha256::of(bytes));
  std::ostringstream out;
  EXPECT_EQ(storage.get("backups/b1/data.xb", out).sha256, Sha256::of(bytes));
  EXPECT_TRUE(out.str() == bytes);
  // Listed as one object; its companion is no key anyone may use.
  const auto listed = storage.list("backups/b1/");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].key, "backups/b1/data.xb");
  EXPECT_THROW(storage.head("backups/b1/data.xb.automat-sha256"), common::Error);
  // remove() takes both; remove_prefix() too, and counts objects only.
  storage.remove("backups/b1/data.xb");
  EXPECT_FALSE(fs::exists(dir / "backups/b1/data.xb.automat-sha256"));
  std::istringstream again(bytes);
  storage.put("backups/b2/data.xb", again);
  EXPECT_EQ(storage.remove_prefix("backups/b2/"), 1u);
  EXPECT_FALSE(fs::exists(dir / "backups/b2/data.xb.automat-sha256"));
  EXPECT_TRUE(storage.list("").empty());
}

TEST(S3BackupStorage, AMissingBucketIsNamed) {
  S3Storage storage(s3proxy_options("missing-" + common::crypto::random_hex(6)));
  try {
    storage.list("");
    ADD_FAILURE() << "listed a missing bucket";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

}  // namespace

std::unique_ptr<ContractDriver> make_contract_driver(const std::string& name, const fs::path& dir) {
  if (name == "file") return std::make_unique<FileDriver>(dir);
  return std::make_unique<S3Driver>(name == "s3_companions");
}

namespace contract {
INSTANTIATE_TEST_SUITE_P(Drivers, BackupStorageContract,
                         ::testing::Values("file", "s3", "s3_companions"),
                         [](const auto& info) { return info.param; });
}  // namespace contract

}  // namespace automat::storage
