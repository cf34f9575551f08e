// storage/storage_settings.h: [backup_storage] read once, each missing or
// bad option refused by name, the secret never quoted; and object keys.
#include "storage/storage_settings.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "storage/backup_storage.h"

namespace automat::storage {
namespace {

constexpr const char* kSecret = "s3cr3t-Never-Shown";

std::string s3_config(const std::string& extra) {
  return "[DEFAULT]\nstate_dir = /var/lib/automat\n[backup_storage]\ndriver = s3\n"
         "endpoint = http://127.0.0.1:9000\nbucket = backups\naccess_key = AKID\n"
         "secret_key = " +
         std::string(kSecret) + "\n" + extra;
}

std::string refusal(const std::string& ini) {
  try {
    BackupStorageSettings::from(common::Config::from_string(ini));
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << ini;
  return "";
}

TEST(BackupStorageSettings, TheDefaultIsADirectoryUnderTheStateDir) {
  const auto s = BackupStorageSettings::from(
      common::Config::from_string("[DEFAULT]\nstate_dir = /var/lib/automat\n"));
  EXPECT_EQ(s.driver, BackupStorageSettings::Driver::kFile);
  EXPECT_EQ(s.path, "/var/lib/automat/backups");
}

TEST(BackupStorageSettings, TheSampleConfigStatesTheDefaults) {
  const auto s = BackupStorageSettings::from(
      common::Config::load(std::string(AUTOMAT_SOURCE_DIR) + "/etc/automat.conf"));
  EXPECT_EQ(s.driver, BackupStorageSettings::Driver::kFile);
  EXPECT_TRUE(s.path.ends_with("/.automat/backups")) << s.path;
  auto sample = common::Config::load(std::string(AUTOMAT_SOURCE_DIR) + "/etc/automat.conf");
  sample.set("backup_storage", "driver", "s3");
  sample.set("backup_storage", "endpoint", "http://127.0.0.1:9000");
  sample.set("backup_storage", "bucket", "backups");
  sample.set("backup_storage", "access_key", "AKID");
  sample.set("backup_storage", "secret_key", kSecret);
  const auto s3 = BackupStorageSettings::from(sample);
  EXPECT_EQ(s3.s3.region, "us-east-1");
  EXPECT_EQ(s3.s3.part_size, S3Options().part_size);
}

TEST(BackupStorageSettings, AFileDriverTakesItsPath) {
  const auto s = BackupStorageSettings::from(
      common::Config::from_string("[backup_storage]\ndriver = file\npath = /srv/backups/\n"));
  EXPECT_EQ(s.path, "/srv/backups/");
}

TEST(BackupStorageSettings, AnS3DriverTakesEndpointRegionBucketKeysAndPartSize) {
  const auto s = BackupStorageSettings::from(
      common::Config::from_string(s3_config("region = eu-west-1\npart_size_mb = 16\n")));
  EXPECT_EQ(s.driver, BackupStorageSettings::Driver::kS3);
  EXPECT_EQ(s.s3.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(s.s3.region, "eu-west-1");
  EXPECT_EQ(s.s3.bucket, "backups");
  EXPECT_EQ(s.s3.access_key, "AKID");
  EXPECT_EQ(s.s3.secret_key, kSecret);
  EXPECT_EQ(s.s3.part_size, size_t{16} << 20);
}

TEST(BackupStorageSettings, AnS3DriverDefaultsToUsEast1And8MibParts) {
  const auto s = BackupStorageSettings::from(common::Config::from_string(s3_config("")));
  EXPECT_EQ(s.s3.region, "us-east-1");
  EXPECT_EQ(s.s3.part_size, size_t{8} << 20);
}

TEST(BackupStorageSettings, EachMissingS3OptionIsNamed) {
  for (const char* key : {"endpoint", "bucket", "access_key", "secret_key"}) {
    std::string ini = s3_config("");
    const size_t at = ini.find(std::string(key) + " =");
    ini.erase(at, ini.find('\n', at) - at + 1);
    EXPECT_NE(refusal(ini).find(std::string("[backup_storage] ") + key + " is not set"),
              std::string::npos)
        << key;
  }
}

TEST(BackupStorageSettings, BadValuesAreRefusedByName) {
  EXPECT_NE(refusal("[backup_storage]\ndriver = ftp\n").find("driver must be file or s3"),
            std::string::npos);
  EXPECT_NE(refusal(s3_config("part_size_mb = 4\n")).find("part_size_mb must be"),
            std::string::npos);
  EXPECT_NE(refusal(s3_config("part_size_mb = 8x\n")).find("part_size_mb must be"),
            std::string::npos);
  EXPECT_NE(refusal(s3_config("part_size_mb = 99999\n")).find("part_size_mb must be"),
            std::string::npos);
  EXPECT_NE(refusal(s3_config("region = eu west\n")).find("region must be"), std::string::npos);
  std::string bad_bucket = s3_config("");
  bad_bucket.replace(bad_bucket.find("bucket = backups"), 16, "bucket = Bad_Bucket");
  EXPECT_NE(refusal(bad_bucket).find("bucket must be"), std::string::npos);
  std::string bad_endpoint = s3_config("");
  bad_endpoint.replace(bad_endpoint.find("http://127.0.0.1:9000"), 21, "127.0.0.1:9000");
  EXPECT_NE(refusal(bad_endpoint).find("endpoint must be an http:// or https:// URL"),
            std::string::npos);
}

TEST(BackupObjectKey, RelativePathsOfPrintableAsciiAreKeys) {
  for (const char* key : {"a", "backups/1/node-1/data.tar", "a b/c&d", "x/.hidden"}) {
    EXPECT_NO_THROW(check_key(key)) << key;
  }
}

TEST(BackupObjectKey, AnythingThatCouldEscapeOrBeAmbiguousIsRefused) {
  for (const std::string& key :
       {std::string(""), std::string("/abs"), std::string("a//b"), std::string("a/"),
        std::string("../up"), std::string("a/./b"), std::string("a/.."), std::string("tab\there"),
        std::string("nul\0x", 5), std::string("caf\xc3\xa9"), std::string(1025, 'k')}) {
    try {
      check_key(key);
      ADD_FAILURE() << "accepted '" << key << "'";
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << key;
    }
  }
}

TEST(BackupObjectKey, APrefixMatchesOnlyIfItsWholeSegmentsCouldBeAKey) {
  for (const char* prefix : {"", "a", "a/", "a/b", "backups/1/no"}) {
    EXPECT_TRUE(prefix_can_match(prefix)) << prefix;
  }
  for (const char* prefix : {"/", "/a", "../", "a/../", "a//b", "./x"}) {
    EXPECT_FALSE(prefix_can_match(prefix)) << prefix;
  }
}

}  // namespace
}  // namespace automat::storage
