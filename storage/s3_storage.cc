#include "storage/s3_storage.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <istream>
#include <map>
#include <mutex>
#include <ostream>
#include <sstream>

#include "common/text.h"
#include "storage/sha256.h"

namespace automat::storage {
namespace {

// SHA-256 of no bytes: the payload hash of GET, HEAD and DELETE.
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kChecksumHeader = "x-amz-meta-sha256";
constexpr size_t kMaxErrorBody = 64 * 1024;

// Reads up to `size` bytes of `in` into `out` (replacing it).
void read_part(std::istream& in, std::string& out, size_t size) {
  out.resize(size);
  in.read(out.data(), static_cast<std::streamsize>(size));
  out.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) throw common::internal_error("reading the upload source failed");
}

bool at_end(std::istream& in) { return !in || in.peek() == std::char_traits<char>::eof(); }

class HeaderList {
 public:
  ~HeaderList() { curl_slist_free_all(list_); }
  void add(const std::string& line) { list_ = curl_slist_append(list_, line.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace

struct S3Storage::Request {
  const char* method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string_view body;             // PUT and POST
  std::string body_sha256 = kEmptySha256;
  // GET: a successful reply's bytes go here (hashed into `sink_hash`).
  std::ostream* sink = nullptr;
  Sha256* sink_hash = nullptr;
};

struct S3Storage::Response {
  long status = 0;
  std::string body;  // error replies and small XML answers
  uint64_t sink_bytes = 0;
  bool sink_failed = false;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

namespace {

struct Transfer {
  CURL* handle;
  std::string_view upload;
  size_t uploaded = 0;
  std::ostream* sink;
  Sha256* sink_hash;
  void* response;
};

}  // namespace

S3Storage::S3Storage(S3Options options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/')
    options_.endpoint.pop_back();
}

std::string S3Storage::url(const std::string& key, s3::QueryParams query) const {
  return s3::request_url(options_.endpoint, options_.bucket, key, std::move(query));
}

S3Storage::Response S3Storage::perform(const Request& request) const {
  Response response;
  CURL* handle = curl_easy_init();
  if (handle == nullptr) throw common::internal_error("cannot initialise libcurl");
  std::unique_ptr<CURL, void (*)(CURL*)> owner(handle, curl_easy_cleanup);
  Transfer transfer{handle, request.body, 0, request.sink, request.sink_hash, &response};

  HeaderList headers;
  for (const std::string& line : request.headers) headers.add(line);
  headers.add("x-amz-content-sha256: " + request.body_sha256);
  headers.add("Expect:");
  const std::string method = request.method;
  if (method == "POST") headers.add("Content-Type: application/xml");

  const std::string sigv4 = "aws:amz:" + options_.region + ":s3";
  char error_buffer[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(handle, CURLOPT_USERNAME, options_.access_key.c_str());
  curl_easy_setopt(handle, CURLOPT_PASSWORD, options_.secret_key.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_seconds);

  if (method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (method == "PUT") {
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(handle, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(
        handle, CURLOPT_READFUNCTION, +[](char* buf, size_t size, size_t count, void* user) {
          auto* t = static_cast<Transfer*>(user);
          const size_t n = std::min(size * count, t->upload.size() - t->uploaded);
          std::copy_n(t->upload.data() + t->uploaded, n, buf);
          t->uploaded += n;
          return n;
        });
  } else if (method == "POST") {
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (method != "GET") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method);
  }

  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(
      handle, CURLOPT_HEADERFUNCTION, +[](char* data, size_t size, size_t count, void* user) {
        auto* r = static_cast<Response*>(user);
        const std::string line(data, size * count);
        if (line.rfind("HTTP/", 0) == 0) {
          r->headers.clear();
          return size * count;
        }
        const size_t colon = line.find(':');
        if (colon == std::string::npos) return size * count;
        std::string value = line.substr(colon + 1);
        const size_t begin = value.find_first_not_of(" \t");
        const size_t end = value.find_last_not_of(" \t\r\n");
        value = begin == std::string::npos ? "" : value.substr(begin, end - begin + 1);
        r->headers[common::ascii_lower(line.substr(0, colon))] = value;
        return size * count;
      });
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(
      handle, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* user) {
        auto* t = static_cast<Transfer*>(user);
        auto* r = static_cast<Response*>(t->response);
        const size_t n = size * count;
        long status = 0;
        curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &status);
        if (t->sink != nullptr && status >= 200 && status < 300) {
          if (!t->sink->write(data, static_cast<std::streamsize>(n))) {
            r->sink_failed = true;
            return size_t{0};  // aborts the transfer
          }
          t->sink_hash->update(data, n);
          r->sink_bytes += n;
          return n;
        }
        if (r->body.size() < kMaxErrorBody) r->body.append(data, n);
        return n;
      });

  const CURLcode code = curl_easy_perform(handle);
  if (response.sink_failed) {
    throw common::internal_error("cannot write what " + request.url + " returned");
  }
  if (code != CURLE_OK) {
    const std::string reason = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    throw common::unavailable("S3 endpoint " + options_.endpoint + " failed a " + method +
                              " request: " + reason);
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

void S3Storage::check(const Response& response, const std::string& what,
                      const std::string& key) const {
  const std::optional<s3::ErrorReply> error = s3::parse_error(response.body);
  // CompleteMultipartUpload and CopyObject may answer 200 with an error body.
  if (response.status >= 200 && response.status < 300 && !error) return;
  const std::string reply =
      error ? error->code + (error->message.empty() ? "" : ": " + error->message)
            : "HTTP " + std::to_string(response.status);
  const std::string where = "bucket " + options_.bucket + " at " + options_.endpoint;
  if (error && error->code == "NoSuchBucket") {
    throw common::unavailable("cannot " + what + ": " + where + " does not exist");
  }
  if (response.status == 404 && !key.empty()) throw ObjectNotFound(key);
  if (response.status == 401 || response.status == 403) {
    throw common::unavailable("cannot " + what + ": " + where +
                              " refused the credentials of access key " + options_.access_key +
                              " (" + reply + "); check [backup_storage] access_key and secret_key");
  }
  throw common::unavailable("cannot " + what + " (" + where + " answered " + reply + ")");
}

void S3Storage::create_bucket() {
  Request request;
  request.method = "PUT";
  request.url = s3::request_url(options_.endpoint, options_.bucket, "");
  const Response response = perform(request);
  const std::optional<s3::ErrorReply> error = s3::parse_error(response.body);
  if (error && error->code == "BucketAlreadyOwnedByYou") return;
  check(response, "create bucket " + options_.bucket, "");
}

void S3Storage::put_object(const std::string& key, const std::string& body,
                           const std::string& sha256) {
  Request request;
  request.method = "PUT";
  request.url = url(key);
  request.body = body;
  request.body_sha256 = sha256;
  request.headers.push_back(std::string(kChecksumHeader) + ": " + sha256);
  check(perform(request), "upload backup object " + key, "");
}

void S3Storage::set_checksum(const std::string& key, const std::string& sha256) {
  Request request;
  request.method = "PUT";
  request.url = url(key);
  request.headers.push_back("x-amz-copy-source: /" + s3::uri_encode(options_.bucket, false) + "/" +
                            s3::uri_encode(key, true));
  request.headers.push_back("x-amz-metadata-directive: REPLACE");
  request.headers.push_back(std::string(kChecksumHeader) + ": " + sha256);
  check(perform(request), "store the checksum of backup object " + key, key);
}

void S3Storage::store_checksum_or_remove(const std::string& key, const std::string& sha256,
                                         uint64_t size) {
  try {
    if (size <= options_.copy_limit) {
      set_checksum(key, sha256);
    } else {
      const std::string text = sha256 + "\n";
      put_object(key + kChecksumSuffix, text, Sha256::of(text));
    }
  } catch (...) {
    // An object without its checksum is never read; it goes rather than
    // lingering.
    try {
      remove(key);
    } catch (const std::exception&) {
    }
    throw;
  }
}

std::string S3Storage::companion_checksum(const std::string& key) const {
  const std::string companion = key + kChecksumSuffix;
  std::ostringstream text;
  Sha256 hash;
  Request request;
  request.url = url(companion);
  request.sink = &text;
  request.sink_hash = &hash;
  const Response response = perform(request);
  if (response.status == 404) return "";
  check(response, "download the checksum of backup object " + key, key);
  // The companion carries its own checksum like any object: a damaged one
  // is no checksum at all.
  if (response.header(kChecksumHeader) != hash.hex()) return "";
  std::string sha256 = text.str();
  while (!sha256.empty() && (sha256.back() == '\n' || sha256.back() == '\r')) sha256.pop_back();
  return sha256.size() == 64 ? sha256 : "";
}

ObjectInfo S3Storage::upload(const std::string& key, std::istream& source,
                             const std::string& known_sha256) {
  std::string part;
  read_part(source, part, options_.part_size);
  if (!at_end(source)) return upload_parts(key, std::move(part), source, known_sha256);
  const std::string sha256 = Sha256::of(part);
  if (!known_sha256.empty() && sha256 != known_sha256) {
    throw common::conflict("the file uploaded as " + key + " changed while it was read");
  }
  put_object(key, part, sha256);
  return ObjectInfo{key, part.size(), sha256};
}

ObjectInfo S3Storage::upload_parts(const std::string& key, std::string part, std::istream& source,
                                   const std::string& known_sha256) {
  Request start;
  start.method = "POST";
  start.url = url(key, {{"uploads", ""}});
  if (!known_sha256.empty()) {
    start.headers.push_back(std::string(kChecksumHeader) + ": " + known_sha256);
  }
  Response started = perform(start);
  check(started, "start a multipart upload of backup object " + key, "");
  const std::string upload_id = s3::parse_upload_id(started.body);
  try {
    Sha256 whole;
    uint64_t size = 0;
    std::vector<std::string> etags;
    while (true) {
      whole.update(part);
      size += part.size();
      Request put;
      put.method = "PUT";
      put.url =
          url(key, {{"partNumber", std::to_string(etags.size() + 1)}, {"uploadId", upload_id}});
      put.body = part;
      put.body_sha256 = Sha256::of(part);
      const Response uploaded = perform(put);
      check(uploaded, "upload part " + std::to_string(etags.size() + 1) + " of " + key, "");
      const std::string etag = uploaded.header("etag");
      if (etag.empty()) throw common::internal_error("the S3 endpoint sent no ETag for a part");
      etags.push_back(etag);
      if (at_end(source)) break;
      read_part(source, part, options_.part_size);
    }
    const std::string sha256 = whole.hex();
    if (!known_sha256.empty() && sha256 != known_sha256) {
      throw common::conflict("the file uploaded as " + key + " changed while it was read");
    }
    const std::string body = s3::complete_multipart_body(etags);
    Request complete;
    complete.method = "POST";
    complete.url = url(key, {{"uploadId", upload_id}});
    complete.body = body;
    complete.body_sha256 = Sha256::of(body);
    check(perform(complete), "complete the multipart upload of " + key, "");
    if (known_sha256.empty()) store_checksum_or_remove(key, sha256, size);
    return ObjectInfo{key, size, sha256};
  } catch (...) {
    Request abort;
    abort.method = "DELETE";
    abort.url = url(key, {{"uploadId", upload_id}});
    try {
      perform(abort);
    } catch (const std::exception&) {
      // The upload's own error is the one to report; the endpoint expires
      // abandoned uploads by its lifecycle rules.
    }
    throw;
  }
}

ObjectInfo S3Storage::put(const std::string& key, std::istream& source) {
  check_key(key);
  return upload(key, source, "");
}

ObjectInfo S3Storage::put_hashed(const std::string& key, std::istream& source,
                                 const std::string& sha256) {
  check_key(key);
  if (sha256.empty()) throw common::bad_request("put_hashed needs the SHA-256 of " + key);
  return upload(key, source, sha256);
}

ObjectInfo S3Storage::put_file(const std::string& key, const std::string& path) {
  check_key(key);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw common::not_found("cannot open " + path + " to upload it as " + key);
  Sha256 hash;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    hash.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw common::internal_error("cannot read " + path);
  in.clear();
  in.seekg(0);
  return upload(key, in, hash.hex());
}

ObjectInfo S3Storage::get(const std::string& key, std::ostream& out) {
  check_key(key);
  Sha256 hash;
  Request request;
  request.url = url(key);
  request.sink = &out;
  request.sink_hash = &hash;
  const Response response = perform(request);
  check(response, "download backup object " + key, key);
  std::string stored = response.header(kChecksumHeader);
  if (stored.empty()) stored = companion_checksum(key);
  if (stored.empty()) {
    throw ChecksumMismatch("backup object " + key +
                           " has no stored SHA-256 (its upload did not finish, or Automat did "
                           "not write it)");
  }
  const std::string actual = hash.hex();
  if (actual != stored) {
    throw ChecksumMismatch("backup object " + key + " is damaged: its SHA-256 is " + actual +
                           ", stored " + stored);
  }
  return ObjectInfo{key, response.sink_bytes, actual};
}

std::optional<ObjectInfo> S3Storage::head(const std::string& key) {
  check_key(key);
  Request request;
  request.method = "HEAD";
  request.url = url(key);
  const Response response = perform(request);
  if (response.status == 404) return std::nullopt;
  check(response, "look up backup object " + key, key);
  ObjectInfo info{key, 0, response.header(kChecksumHeader)};
  if (info.sha256.empty()) info.sha256 = companion_checksum(key);
  const std::string length = response.header("content-length");
  try {
    info.size = std::stoull(length);
  } catch (const std::exception&) {
    throw common::internal_error("the S3 endpoint sent no size for " + key);
  }
  return info;
}

std::vector<ObjectInfo> S3Storage::list(const std::string& prefix) {
  std::vector<ObjectInfo> found = list_all(prefix);
  std::erase_if(found, [](const ObjectInfo& o) { return o.key.ends_with(kChecksumSuffix); });
  return found;
}

std::vector<ObjectInfo> S3Storage::list_all(const std::string& prefix) const {
  std::vector<ObjectInfo> found;
  if (!prefix_can_match(prefix)) return found;
  std::optional<std::string> token;
  do {
    s3::QueryParams query{{"list-type", "2"},
                          {"max-keys", std::to_string(options_.list_page_size)},
                          {"prefix", prefix}};
    if (token) query.emplace_back("continuation-token", *token);
    Request request;
    request.url = s3::request_url(options_.endpoint, options_.bucket, "", std::move(query));
    const Response response = perform(request);
    check(response, "list backup objects under '" + prefix + "'", "");
    s3::ListPage page = s3::parse_list_page(response.body);
    for (s3::ListedObject& object : page.objects) {
      // Directory markers (s3proxy's filesystem backend lists its
      // directories so) are not objects: no key ends with '/'.
      if (object.key.ends_with('/')) continue;
      found.push_back(ObjectInfo{std::move(object.key), object.size, ""});
    }
    token = page.next_token;
  } while (token);
  std::sort(found.begin(), found.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return found;
}

void S3Storage::remove(const std::string& key) {
  check_key(key);
  delete_object(key);
  delete_object(key + kChecksumSuffix);
}

void S3Storage::delete_object(const std::string& key) {
  Request request;
  request.method = "DELETE";
  request.url = url(key);
  const Response response = perform(request);
  if (response.status == 404) return;
  check(response, "delete backup object " + key, key);
}

size_t S3Storage::remove_prefix(const std::string& prefix) {
  if (prefix.empty()) throw common::bad_request("refusing to delete every backup object at once");
  // Companion objects too, even one whose object is gone already.
  size_t removed = 0;
  for (const ObjectInfo& object : list_all(prefix)) {
    delete_object(object.key);
    if (!object.key.ends_with(kChecksumSuffix)) ++removed;
  }
  return removed;
}

}  // namespace automat::storage
