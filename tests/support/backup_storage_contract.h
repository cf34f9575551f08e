#pragma once
// The promises of storage::BackupStorage (storage/backup_storage.h) as
// value-parameterised tests, run on every driver: the file driver and the S3
// driver against a real S3 server (tests/integration/storage_contract_test.cc)
// and the fake (tests/unit/storage_fake_test.cc). A test file includes this
// once, defines make_contract_driver for its driver names and instantiates
// BackupStorageContract with them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "storage/backup_storage.h"
#include "storage/sha256.h"

namespace automat::storage {

// S3 wants parts of at least 5 MiB (s3proxy enforces it); drivers with parts
// use this size, so that the large objects below span several.
constexpr size_t kContractPartSize = size_t{5} << 20;

// One driver under test, with what the contract needs to reach behind it.
class ContractDriver {
 public:
  virtual ~ContractDriver() = default;
  virtual BackupStorage& storage() = 0;
  // Changes one byte of the stored `key` behind the storage's back.
  virtual void damage(const std::string& key) = 0;
};

// Defined by the test file: the driver `name` names, with scratch
// directory `dir` (removed after the test).
std::unique_ptr<ContractDriver> make_contract_driver(const std::string& name,
                                                     const std::filesystem::path& dir);

namespace contract {

namespace fs = std::filesystem;

inline std::string random_bytes(size_t size, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::string out(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t word = gen();
    for (size_t j = 0; j < 8 && i + j < size; ++j) out[i + j] = static_cast<char>(word >> (8 * j));
  }
  return out;
}

inline std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class BackupStorageContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/storage-contract.XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir_ = tmpl;
    driver_ = make_contract_driver(GetParam(), dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  BackupStorage& storage() { return driver_->storage(); }
  ObjectInfo put_bytes(const std::string& key, const std::string& bytes) {
    std::istringstream in(bytes);
    return storage().put(key, in);
  }
  std::string get_bytes(const std::string& key) {
    std::ostringstream out;
    storage().get(key, out);
    return out.str();
  }

  fs::path dir_;
  std::unique_ptr<ContractDriver> driver_;
};

TEST_P(BackupStorageContract, ASmallObjectRoundTripsWithItsChecksumStored) {
  const std::string bytes = "the first backup\n";
  const ObjectInfo put = put_bytes("backups/b1/small.txt", bytes);
  EXPECT_EQ(put.size, bytes.size());
  EXPECT_EQ(put.sha256, Sha256::of(bytes));

  const auto head = storage().head("backups/b1/small.txt");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, bytes.size());
  EXPECT_EQ(head->sha256, Sha256::of(bytes));
  EXPECT_EQ(get_bytes("backups/b1/small.txt"), bytes);

  // Replaced whole by a second put.
  put_bytes("backups/b1/small.txt", "v2");
  EXPECT_EQ(get_bytes("backups/b1/small.txt"), "v2");
  EXPECT_EQ(storage().head("backups/b1/small.txt")->sha256, Sha256::of("v2"));
}

TEST_P(BackupStorageContract, AnEmptyObjectRoundTrips) {
  const ObjectInfo put = put_bytes("empty", "");
  EXPECT_EQ(put.size, 0u);
  EXPECT_EQ(get_bytes("empty"), "");
  EXPECT_EQ(storage().head("empty")->sha256, Sha256::of(""));
}

TEST_P(BackupStorageContract, AFileOfSeveralPartsRoundTripsIntoAFile) {
  const std::string bytes = random_bytes(2 * kContractPartSize + 12345, 1);
  const fs::path source = dir_ / "source.bin";
  std::ofstream(source, std::ios::binary) << bytes;
  const ObjectInfo put = storage().put_file("backups/b2/data.bin", source.string());
  EXPECT_EQ(put.size, bytes.size());
  EXPECT_EQ(put.sha256, Sha256::of(bytes));
  EXPECT_EQ(storage().head("backups/b2/data.bin")->sha256, Sha256::of(bytes));

  const fs::path restored = dir_ / "restored.bin";
  const ObjectInfo got = get_file(storage(), "backups/b2/data.bin", restored.string());
  EXPECT_EQ(got.size, bytes.size());
  EXPECT_EQ(got.sha256, Sha256::of(bytes));
  EXPECT_TRUE(read_all(restored) == bytes) << "the restored file differs";
}

TEST_P(BackupStorageContract, AHashedStreamIsStoredOnlyWithTheBytesItVouchesFor) {
  const std::string bytes = random_bytes(2 * kContractPartSize + 999, 7);
  {
    std::istringstream in(bytes);
    const ObjectInfo put = storage().put_hashed("pool/a/data.bin", in, Sha256::of(bytes));
    EXPECT_EQ(put.size, bytes.size());
    EXPECT_EQ(put.sha256, Sha256::of(bytes));
  }
  EXPECT_EQ(storage().head("pool/a/data.bin")->sha256, Sha256::of(bytes));
  EXPECT_TRUE(get_bytes("pool/a/data.bin") == bytes);
  // Other bytes under the same promise: refused, the stored object kept.
  for (const std::string& other : {std::string("short"), random_bytes(2 * kContractPartSize, 8)}) {
    std::istringstream in(other);
    try {
      storage().put_hashed("pool/a/data.bin", in, Sha256::of(bytes));
      ADD_FAILURE() << "bytes of another SHA-256 were stored";
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kConflict) << e.what();
    }
    EXPECT_EQ(storage().head("pool/a/data.bin")->sha256, Sha256::of(bytes));
    EXPECT_TRUE(get_bytes("pool/a/data.bin") == bytes) << "the stored object changed";
  }
}

TEST_P(BackupStorageContract, AStreamOfSeveralPartsRoundTripsWithItsChecksumStored) {
  const std::string bytes = random_bytes(kContractPartSize + 777, 2);
  const ObjectInfo put = put_bytes("backups/b3/stream.bin", bytes);
  EXPECT_EQ(put.size, bytes.size());
  EXPECT_EQ(put.sha256, Sha256::of(bytes));
  const auto head = storage().head("backups/b3/stream.bin");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, bytes.size());
  EXPECT_EQ(head->sha256, Sha256::of(bytes));
  EXPECT_TRUE(get_bytes("backups/b3/stream.bin") == bytes) << "the bytes read back differ";
}

TEST_P(BackupStorageContract, ACorruptedObjectFailsItsChecksumAndLeavesNoFile) {
  const std::string bytes = random_bytes(100000, 3);
  put_bytes("backups/b4/node-1/sstable.db", bytes);
  driver_->damage("backups/b4/node-1/sstable.db");

  const fs::path out_dir = dir_ / "restore";
  fs::create_directories(out_dir);
  try {
    get_file(storage(), "backups/b4/node-1/sstable.db", (out_dir / "sstable.db").string());
    ADD_FAILURE() << "a corrupted object was read back";
  } catch (const ChecksumMismatch& e) {
    EXPECT_NE(std::string(e.what()).find("backups/b4/node-1/sstable.db"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("SHA-256"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(out_dir)) << "neither the file nor a partial one is left";

  std::ostringstream out;
  EXPECT_THROW(storage().get("backups/b4/node-1/sstable.db", out), ChecksumMismatch);
}

TEST_P(BackupStorageContract, ListsByPrefixSortedAcrossPages) {
  for (const char* key : {"p/a/3", "p/a/1", "p/a/5", "p/a/2", "p/a/4", "p/b", "q/a/1"}) {
    put_bytes(key, key);
  }
  std::vector<std::string> keys;
  for (const ObjectInfo& o : storage().list("p/a/")) {
    keys.push_back(o.key);
    EXPECT_EQ(o.size, o.key.size()) << o.key;
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"p/a/1", "p/a/2", "p/a/3", "p/a/4", "p/a/5"}));
  EXPECT_EQ(storage().list("p/").size(), 6u);
  EXPECT_EQ(storage().list("p").size(), 6u);
  EXPECT_EQ(storage().list("").size(), 7u);
  EXPECT_TRUE(storage().list("p/c").empty());
  EXPECT_TRUE(storage().list("nothing/").empty());
  EXPECT_TRUE(storage().list("../").empty());
  EXPECT_TRUE(storage().list("p/../").empty());
  EXPECT_TRUE(storage().list("/p/").empty());
}

TEST_P(BackupStorageContract, DeletesAnObjectAndAPrefix) {
  for (const char* key : {"d/1/a", "d/1/b", "d/2/a", "d/12", "e/1"}) put_bytes(key, key);

  storage().remove("d/1/a");
  EXPECT_FALSE(storage().head("d/1/a"));
  EXPECT_THROW(get_bytes("d/1/a"), ObjectNotFound);
  EXPECT_NO_THROW(storage().remove("d/1/a")) << "deleting twice is no error";

  EXPECT_EQ(storage().remove_prefix("d/1"), 2u);  // d/1/b and d/12
  EXPECT_FALSE(storage().head("d/1/b"));
  EXPECT_FALSE(storage().head("d/12"));
  EXPECT_TRUE(storage().head("d/2/a"));
  EXPECT_EQ(storage().remove_prefix("d/"), 1u);
  std::vector<std::string> left;
  for (const ObjectInfo& o : storage().list("")) left.push_back(o.key);
  EXPECT_EQ(left, std::vector<std::string>{"e/1"});
  EXPECT_THROW(storage().remove_prefix(""), common::Error);
}

TEST_P(BackupStorageContract, AMissingObjectIsNotFound) {
  EXPECT_FALSE(storage().head("no/such/object"));
  try {
    get_bytes("no/such/object");
    ADD_FAILURE() << "a missing object was read";
  } catch (const ObjectNotFound& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("no/such/object"), std::string::npos) << e.what();
  }
  const fs::path out = dir_ / "missing.bin";
  EXPECT_THROW(get_file(storage(), "no/such/object", out.string()), ObjectNotFound);
  EXPECT_FALSE(fs::exists(out));
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("missing.bin"))
        << "a partial file is left: " << entry.path();
  }
}

TEST_P(BackupStorageContract, ABadKeyIsRefusedBeforeAnyIo) {
  for (const char* key : {"../escape", "/abs", "a//b", "backups/b1/data.automat-sha256"}) {
    try {
      put_bytes(key, "x");
      ADD_FAILURE() << "accepted " << key;
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << key;
    }
  }
  EXPECT_TRUE(storage().list("").empty());
}

}  // namespace contract
}  // namespace automat::storage
