#pragma once
// BackupStorage on any S3-compatible endpoint (AWS S3, MinIO, Ceph RGW,
// s3proxy), path-style, through libcurl with its own SigV4 signing
// (CURLOPT_AWS_SIGV4). Each object's SHA-256 travels as the user metadata
// x-amz-meta-sha256. Objects larger than one part go up as multipart
// uploads (aborted on failure). Every request is a fresh curl handle, so
// calls may run in parallel. The secret key is handed to libcurl only: it
// is never logged or put in an error message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/backup_storage.h"
#include "storage/s3_protocol.h"

namespace automat::storage {

struct S3Options {
  std::string endpoint;  // "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:9000"
  std::string region;    // "us-east-1"
  std::string bucket;
  std::string access_key;
  std::string secret_key;
  // Objects larger than this go up in parts of this size. S3 wants at least
  // 5 MiB for every part but the last.
  size_t part_size = size_t{8} << 20;
  // Keys asked per ListObjectsV2 page (S3 answers at most 1000).
  int list_page_size = 1000;
  long connect_timeout_seconds = 10;
  // A transfer slower than 1 byte/s for this long is abandoned.
  long stall_timeout_seconds = 60;
  // The largest object S3 copies in one request (CopyObject): 5 GiB.
  uint64_t copy_limit = uint64_t{5} << 30;
};

class S3Storage : public BackupStorage {
 public:
  explicit S3Storage(S3Options options);

  // put() of a source larger than one part learns its SHA-256 only at the
  // end: the object is completed without it and then copied onto itself
  // with it (CopyObject, up to copy_limit); a larger one gets the companion
  // object "<key>.automat-sha256" holding it instead (Debian 12's libcurl
  // cannot sign the part-by-part copy S3 wants beyond 5 GiB). Until then a
  // get() fails with ChecksumMismatch. put_file() and put_hashed() know the
  // SHA-256 first and send it with the first request. list() never shows a
  // companion object; remove() and remove_prefix() remove it with its
  // object.
  ObjectInfo put(const std::string& key, std::istream& source) override;
  ObjectInfo put_file(const std::string& key, const std::string& path) override;
  ObjectInfo put_hashed(const std::string& key, std::istream& source,
                        const std::string& sha256) override;
  ObjectInfo get(const std::string& key, std::ostream& out) override;
  std::optional<ObjectInfo> head(const std::string& key) override;
  std::vector<ObjectInfo> list(const std::string& prefix) override;
  void remove(const std::string& key) override;
  size_t remove_prefix(const std::string& prefix) override;

  // Creates the bucket; one that exists already and is ours is fine. For
  // setup tools and tests: the driver itself never creates buckets.
  void create_bucket();

 private:
  struct Request;
  struct Response;
  Response perform(const Request& request) const;
  // Throws the error an unsuccessful `response` to `what` means.
  void check(const Response& response, const std::string& what, const std::string& key) const;
  ObjectInfo upload(const std::string& key, std::istream& source, const std::string& known_sha256);
  ObjectInfo upload_parts(const std::string& key, std::string first_part, std::istream& source,
                          const std::string& known_sha256);
  void put_object(const std::string& key, const std::string& body, const std::string& sha256);
  void set_checksum(const std::string& key, const std::string& sha256);
  void store_checksum_or_remove(const std::string& key, const std::string& sha256, uint64_t size);
  // The SHA-256 in `key`'s companion object, or "" when it has none.
  std::string companion_checksum(const std::string& key) const;
  // Every object under `prefix`, companion objects included.
  std::vector<ObjectInfo> list_all(const std::string& prefix) const;
  void delete_object(const std::string& key);
  std::string url(const std::string& key, s3::QueryParams query = {}) const;

  S3Options options_;
};

}  // namespace automat::storage
