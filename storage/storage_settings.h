#pragma once
// The [backup_storage] options, read and checked once at start-up, and the
// driver they name. Every option is documented in etc/automat.conf.
#include <string>

#include "common/config.h"
#include "storage/backup_storage.h"
#include "storage/s3_storage.h"

namespace automat::storage {

struct BackupStorageSettings {
  enum class Driver { kFile, kS3 };
  Driver driver = Driver::kFile;
  // file: the directory, absolute (default <state_dir>/backups).
  std::string path;
  // s3: endpoint, region, bucket, keys and part size.
  S3Options s3;

  // Throws common::Error(kBadRequest) naming the first missing or invalid
  // option; never quotes secret_key.
  static BackupStorageSettings from(const common::Config& cfg);
};

// The driver `settings` name, ready to use.
BackupStoragePtr make_backup_storage(const BackupStorageSettings& settings);

}  // namespace automat::storage
