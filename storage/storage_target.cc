#include "storage/storage_target.h"

#include "common/error.h"

namespace automat::storage {

proto::BackupStorageTarget to_target(const BackupStorageSettings& settings) {
  proto::BackupStorageTarget t;
  if (settings.driver == BackupStorageSettings::Driver::kFile) {
    t.set_driver("file");
    t.set_path(settings.path);
    return t;
  }
  t.set_driver("s3");
  proto::S3Target& s3 = *t.mutable_s3();
  s3.set_endpoint(settings.s3.endpoint);
  s3.set_region(settings.s3.region);
  s3.set_bucket(settings.s3.bucket);
  s3.set_access_key(settings.s3.access_key);
  s3.set_secret_key(settings.s3.secret_key);
  s3.set_part_size(static_cast<int64_t>(settings.s3.part_size));
  return t;
}

BackupStoragePtr make_backup_storage(const proto::BackupStorageTarget& target) {
  BackupStorageSettings settings;
  if (target.driver() == "file") {
    if (target.path().empty() || target.path().front() != '/') {
      throw common::Error(common::ErrorCode::kBadRequest,
                          "a file backup storage needs an absolute path");
    }
    settings.driver = BackupStorageSettings::Driver::kFile;
    settings.path = target.path();
  } else if (target.driver() == "s3") {
    const proto::S3Target& s3 = target.s3();
    if (s3.endpoint().empty() || s3.bucket().empty() || s3.access_key().empty() ||
        s3.secret_key().empty()) {
      throw common::Error(common::ErrorCode::kBadRequest,
                          "an s3 backup storage needs endpoint, bucket, access_key and secret_key");
    }
    settings.driver = BackupStorageSettings::Driver::kS3;
    settings.s3.endpoint = s3.endpoint();
    settings.s3.region = s3.region().empty() ? "us-east-1" : s3.region();
    settings.s3.bucket = s3.bucket();
    settings.s3.access_key = s3.access_key();
    settings.s3.secret_key = s3.secret_key();
    if (s3.part_size() > 0) settings.s3.part_size = static_cast<size_t>(s3.part_size());
  } else {
    throw common::Error(common::ErrorCode::kBadRequest,
                        "unknown backup storage driver '" + target.driver() + "'");
  }
  return make_backup_storage(settings);
}

}  // namespace automat::storage
