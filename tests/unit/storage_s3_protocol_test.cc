// storage/s3_protocol.h: the URLs the S3 driver signs and sends, and the XML
// replies it reads (lists across pages, errors, multipart uploads).
#include <gtest/gtest.h>

#include "common/error.h"
#include "storage/s3_protocol.h"

namespace automat::storage::s3 {
namespace {

TEST(S3Url, EncodesEverythingButUnreservedCharactersAndKeepsTheKeysSlashes) {
  EXPECT_EQ(uri_encode("a-Z_0.~", false), "a-Z_0.~");
  EXPECT_EQ(uri_encode("a b/c+d=é", false), "a%20b%2Fc%2Bd%3D%C3%A9");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
}

TEST(S3Url, IsPathStyleWithTheQuerySortedAndEncodedAsSigV4SignsIt) {
  EXPECT_EQ(request_url("http://127.0.0.1:9000/", "bk", "backups/x y/data.tar"),
            "http://127.0.0.1:9000/bk/backups/x%20y/data.tar");
  EXPECT_EQ(request_url("https://s3.example.com", "bk", "",
                        {{"prefix", "a/b"}, {"max-keys", "2"}, {"list-type", "2"}}),
            "https://s3.example.com/bk?list-type=2&max-keys=2&prefix=a%2Fb");
  EXPECT_EQ(request_url("http://h", "bk", "k", {{"uploads", ""}}), "http://h/bk/k?uploads=");
  EXPECT_EQ(request_url("http://h", "bk", "k", {{"uploadId", "x+y"}, {"partNumber", "3"}}),
            "http://h/bk/k?partNumber=3&uploadId=x%2By");
}

TEST(S3Reply, AnErrorGivesItsCodeAndMessage) {
  const auto error = parse_error(
      "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>Forbidden &amp; denied</Message><RequestId>1</RequestId></Error>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "SignatureDoesNotMatch");
  EXPECT_EQ(error->message, "Forbidden & denied");
  EXPECT_FALSE(parse_error(""));
  EXPECT_FALSE(parse_error("<ListBucketResult><Name>b</Name></ListBucketResult>"));
  EXPECT_FALSE(parse_error("<Error><Message>no code</Message></Error>"));
}

TEST(S3Reply, AListPageGivesKeysSizesAndTheNextToken) {
  const ListPage page = parse_list_page(
      R"(<?xml version="1.0"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
      "<Name>bk</Name><Prefix>a/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
      "<ContinuationToken/><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>tok&amp;1</NextContinuationToken>"
      "<Contents><Key>a/x &amp; y</Key><Size>6</Size><ETag>&quot;e&quot;</ETag></Contents>"
      "<Contents>\n  <Key>a/&#233;&#x41;</Key>\n  <Size>12345678901</Size>\n</Contents>"
      "</ListBucketResult>");
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "a/x & y");
  EXPECT_EQ(page.objects[0].size, 6u);
  EXPECT_EQ(page.objects[1].key,
            "a/\xc3\xa9"
            "A");
  EXPECT_EQ(page.objects[1].size, 12345678901u);
  ASSERT_TRUE(page.next_token);
  EXPECT_EQ(*page.next_token, "tok&1");
}

TEST(S3Reply, TheLastListPageHasNoToken) {
  const ListPage page = parse_list_page(
      "<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount>"
      "</ListBucketResult>");
  EXPECT_TRUE(page.objects.empty());
  EXPECT_FALSE(page.next_token);
}

TEST(S3Reply, AMalformedListIsRefusedNotMisread) {
  for (const char* xml : {
           "<Error><Code>x</Code></Error>",
           "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
           "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
           "<ListBucketResult><Contents><Key>k</Key><Size>1x</Size></Contents></ListBucketResult>",
           "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
       }) {
    try {
      parse_list_page(xml);
      ADD_FAILURE() << "accepted: " << xml;
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kInternal) << xml;
    }
  }
}

TEST(S3Reply, AMultipartUploadIsStartedAndCompletedByItsIdAndEtags) {
  EXPECT_EQ(parse_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                            "<UploadId>b04f-94</UploadId></InitiateMultipartUploadResult>"),
            "b04f-94");
  EXPECT_THROW(parse_upload_id("<InitiateMultipartUploadResult/>"), common::Error);
  EXPECT_EQ(complete_multipart_body({"\"e1\"", "\"e2\""}),
            "<CompleteMultipartUpload>"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3Reply, AnElementIsFoundByItsWholeName) {
  EXPECT_EQ(xml_element("<KeyCount>1</KeyCount><Key>k</Key>", "Key"), "k");
  EXPECT_EQ(xml_element("<Prefix/>", "Prefix"), "");
  EXPECT_EQ(xml_element("<Prefix a=\"1\">p</Prefix>", "Prefix"), "p");
  EXPECT_FALSE(xml_element("<KeyCount>1</KeyCount>", "Key"));
}

}  // namespace
}  // namespace automat::storage::s3
