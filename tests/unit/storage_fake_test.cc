// tests/fakes/fake_backup_storage.h keeps storage/backup_storage.h's
// promises: the contract of tests/support/backup_storage_contract.h on it.
#include <gtest/gtest.h>

#include "tests/fakes/fake_backup_storage.h"
#include "tests/support/backup_storage_contract.h"

namespace automat::storage {
namespace {

class FakeDriver : public ContractDriver {
 public:
  BackupStorage& storage() override { return fake_; }
  void damage(const std::string& key) override {
    std::string& bytes = fake_.objects.at(key).bytes;
    bytes[bytes.size() / 2] ^= 0x5a;
  }

 private:
  testing::FakeBackupStorage fake_;
};

}  // namespace

std::unique_ptr<ContractDriver> make_contract_driver(const std::string& name,
                                                     const std::filesystem::path& dir) {
  return std::make_unique<FakeDriver>();
}

namespace contract {
INSTANTIATE_TEST_SUITE_P(Fake, BackupStorageContract, ::testing::Values("fake"),
                         [](const auto& info) { return info.param; });
}  // namespace contract

}  // namespace automat::storage
