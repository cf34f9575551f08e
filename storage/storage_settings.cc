#include "storage/storage_settings.h"

#include <filesystem>

#include "storage/file_storage.h"

namespace automat::storage {
namespace {

constexpr const char* kSection = "backup_storage";

[[noreturn]] void refuse(const std::string& key, const std::string& why) {
  throw common::bad_request("[backup_storage] " + key + " " + why);
}

// The option from [backup_storage] (or [DEFAULT]), "" when unset.
std::string option(const common::Config& cfg, const std::string& key) {
  return cfg.get(kSection, key);
}

std::string required(const common::Config& cfg, const std::string& key) {
  std::string value = option(cfg, key);
  if (value.empty()) refuse(key, "is not set (driver = s3 needs it)");
  return value;
}

bool valid_bucket(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return name.front() != '-' && name.front() != '.' && name.back() != '-' && name.back() != '.';
}

S3Options s3_options(const common::Config& cfg) {
  S3Options o;
  o.endpoint = required(cfg, "endpoint");
  if (!o.endpoint.starts_with("http://") && !o.endpoint.starts_with("https://")) {
    refuse("endpoint", "must be an http:// or https:// URL, got '" + o.endpoint + "'");
  }
  if (o.endpoint.find('?') != std::string::npos || o.endpoint.find('@') != std::string::npos) {
    refuse("endpoint",
           "must be a plain URL without credentials or query, got '" + o.endpoint + "'");
  }
  const std::string region = option(cfg, "region");
  o.region = region.empty() ? "us-east-1" : region;
  if (o.region.find_first_of(": \t") != std::string::npos) {
    refuse("region", "must be a region name such as us-east-1, got '" + o.region + "'");
  }
  o.bucket = required(cfg, "bucket");
  if (!valid_bucket(o.bucket)) {
    refuse("bucket",
           "must be 3 to 63 lower-case letters, digits, '-' or '.', got '" + o.bucket + "'");
  }
  o.access_key = required(cfg, "access_key");
  o.secret_key = required(cfg, "secret_key");
  const std::string part = option(cfg, "part_size_mb");
  if (!part.empty()) {
    size_t used = 0;
    long mb = 0;
    try {
      mb = std::stol(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != part.size() || mb < 5 || mb > 5120) {
      refuse("part_size_mb",
             "must be a whole number of MiB between 5 and 5120, got '" + part + "'");
    }
    o.part_size = static_cast<size_t>(mb) << 20;
  }
  return o;
}

}  // namespace

BackupStorageSettings BackupStorageSettings::from(const common::Config& cfg) {
  BackupStorageSettings s;
  const std::string driver = option(cfg, "driver");
  if (driver.empty() || driver == "file") {
    s.driver = Driver::kFile;
    std::string path = option(cfg, "path");
    if (path.empty()) {
      path =
          (std::filesystem::path(cfg.get("DEFAULT", "state_dir", ".automat")) / "backups").string();
    }
    s.path = std::filesystem::absolute(path).lexically_normal().string();
  } else if (driver == "s3") {
    s.driver = Driver::kS3;
    s.s3 = s3_options(cfg);
  } else {
    refuse("driver", "must be file or s3, got '" + driver + "'");
  }
  return s;
}

BackupStoragePtr make_backup_storage(const BackupStorageSettings& settings) {
  switch (settings.driver) {
    case BackupStorageSettings::Driver::kFile:
      return std::make_unique<FileStorage>(settings.path);
    case BackupStorageSettings::Driver::kS3:
      return std::make_unique<S3Storage>(settings.s3);
  }
  throw common::internal_error("unknown backup storage driver");
}

}  // namespace automat::storage
