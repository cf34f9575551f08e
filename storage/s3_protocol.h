#pragma once
// The pure parts of speaking S3 (no I/O): request URLs with path-style
// addressing and their encoding, and the few XML replies the S3 driver
// reads. Signing is libcurl's (CURLOPT_AWS_SIGV4), never done here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace automat::storage::s3 {

// RFC 3986 percent-encoding of everything but unreserved characters
// (A-Z a-z 0-9 - _ . ~), and of '/' too unless `keep_slash`: the encoding
// SigV4 signs, so the URL sent is the one signed.
std::string uri_encode(std::string_view text, bool keep_slash);

// "<endpoint>/<bucket>[/<key>][?<query>]" (path style). The query's
// parameters are sorted by name and encoded, as SigV4's canonical query is;
// a parameter with an empty value is sent as "name=".
using QueryParams = std::vector<std::pair<std::string, std::string>>;
std::string request_url(std::string_view endpoint, std::string_view bucket, std::string_view key,
                        QueryParams query = {});

struct ErrorReply {
  std::string code;     // "NoSuchKey", "SignatureDoesNotMatch", ...
  std::string message;  // the server's sentence, may be empty
};
// The <Code> and <Message> of an S3 error body; nullopt when the body is not
// one (e.g. empty, as for HEAD).
std::optional<ErrorReply> parse_error(std::string_view xml);

struct ListedObject {
  std::string key;
  uint64_t size = 0;
};
struct ListPage {
  std::vector<ListedObject> objects;
  // Set when IsTruncated is true: the token to ask for the next page with.
  std::optional<std::string> next_token;
};
// A ListObjectsV2 reply. Throws common::Error(kInternal) when it is not one
// (no ListBucketResult, a <Contents> without <Key>, a bad <Size>, or a
// truncated page without NextContinuationToken).
ListPage parse_list_page(std::string_view xml);

// The UploadId of an InitiateMultipartUpload reply; throws
// common::Error(kInternal) when there is none.
std::string parse_upload_id(std::string_view xml);

// The CompleteMultipartUpload body naming parts 1..N by their ETags.
std::string complete_multipart_body(const std::vector<std::string>& etags);

// The text of the first <tag>...</tag> (entities decoded) in `xml`;
// nullopt when there is none. <tag/> is the empty string.
std::optional<std::string> xml_element(std::string_view xml, std::string_view tag);

}  // namespace automat::storage::s3
