// Trove's pagination on every list: limit and marker in, a "next" link out
// while more remain, a stable order, 400 for values that make no sense.
#include <gtest/gtest.h>

#include "api/query_params.h"
#include "common/error.h"
#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;

Response get(ApiTestEnv& env, const std::string& path) {
  return env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, path), env.token_a);
}

json get_ok(ApiTestEnv& env, const std::string& path) {
  const Response r = get(env, path);
  EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  return body_of(r);
}

std::vector<std::string> ids(const json& items, const char* key = "id") {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i[key].get<std::string>());
  return out;
}

// The path part of a next link ("/v1.0/...?..."), on the env's base URL.
std::string next_path(const json& body) {
  const std::string href = body["links"].at(0)["href"];
  const std::string base = "http://api.example:8779";
  EXPECT_EQ(href.rfind(base, 0), 0u) << href;
  return href.substr(base.size());
}

TEST(QueryString, DecodesAndRefusesWhatMakesNoSense) {
  const auto q = QueryParams::parse("/x?limit=2&marker=a%2Fb+c&flag");
  EXPECT_EQ(q.get("limit"), "2");
  EXPECT_EQ(q.get("marker"), "a/b c");
  EXPECT_EQ(q.get("flag"), "");
  EXPECT_FALSE(q.get("other"));
  EXPECT_EQ(QueryParams::parse("/x").items().size(), 0u);
  EXPECT_THROW(QueryParams::parse("/x?limit=1&limit=2"), common::Error);
  EXPECT_THROW(QueryParams::parse("/x?marker=%zz"), common::Error);
  EXPECT_THROW(QueryParams::parse("/x?marker=a%00b"), common::Error);
  EXPECT_EQ(QueryParams::encode({{"marker", "a/b c"}, {"limit", "2"}}), "marker=a%2Fb%20c&limit=2");
  EXPECT_EQ(QueryParams::parse("/x?b=TRUE").get_bool("b"), true);
  EXPECT_EQ(QueryParams::parse("/x?b=false").get_bool("b"), false);
  EXPECT_THROW(QueryParams::parse("/x?b=yes").get_bool("b"), common::Error);
}

TEST(Pagination, WalksEveryInstanceOnceInCreationOrder) {
  ApiTestEnv env;
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(env.add_instance(env.tenant_a, "NONE"));
    env.instances.time->advance(std::chrono::seconds(1));
  }
  std::vector<std::string> seen;
  std::string path = "/instances?limit=2";
  for (int pages = 0; pages < 10; ++pages) {
    const Response r = env.call(
        Method::kGet, pages == 0 ? ApiTestEnv::url(env.tenant_a, path) : path, env.token_a);
    ASSERT_EQ(r.status, 200) << r.body;
    const json body = body_of(r);
    for (const auto& id : ids(body["instances"])) seen.push_back(id);
    if (body["links"].empty()) break;
    EXPECT_LE(body["instances"].size(), 2u);
    EXPECT_EQ(body["links"][0]["rel"], "next");
    path = next_path(body);
    EXPECT_NE(path.find("limit=2"), std::string::npos) << path;
    EXPECT_NE(path.find("marker=" + seen.back()), std::string::npos) << path;
  }
  EXPECT_EQ(seen, created);
}

TEST(Pagination, TheNextLinkKeepsTheOtherParameters) {
  testing::ClusterTestEnv env;
  env.create_cluster({"r1", "r1", "r1"});
  const json first = get_ok(env, "/instances/detail?include_clustered=true&limit=1");
  ASSERT_EQ(first["instances"].size(), 1u);
  const std::string next = next_path(first);
  EXPECT_EQ(next.rfind("/v1.0/" + env.tenant_a + "/instances/detail?", 0), 0u) << next;
  EXPECT_NE(next.find("include_clustered=true"), std::string::npos) << next;
  const Response r = env.call(Method::kGet, next, env.token_a);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(body_of(r)["instances"][0]["id"], first["instances"][0]["id"]);
}

TEST(Pagination, EveryListTakesLimitAndMarker) {
  testing::ClusterTestEnv env;
  const json cluster = env.create_cluster({"r1", "r1"});
  env.create_cluster({"r1"});
  const std::string cid = cluster["id"];
  const struct {
    std::string path;
    const char* key;
    size_t total;
  } lists[] = {
      {"/flavors", "flavors", 4},
      {"/datastores", "datastores", 2},
      {"/datastores/mysql/versions", "versions", 2},
      {"/datastores/cassandra/versions/5.0/flavors", "flavors", 4},
      {"/clusters", "clusters", 2},
      {"/clusters/" + cid + "/nodes", "nodes", 2},
      {"/instances?include_clustered=true", "instances", 3},
  };
  for (const auto& l : lists) {
    SCOPED_TRACE(l.path);
    const json all = get_ok(env, l.path);
    ASSERT_EQ(all[l.key].size(), l.total);
    EXPECT_EQ(all["links"], json::array());
    const char* sep = l.path.find('?') == std::string::npos ? "?" : "&";
    const json first = get_ok(env, l.path + sep + "limit=1");
    ASSERT_EQ(first[l.key].size(), 1u);
    ASSERT_EQ(first["links"].size(), 1u);
    const std::string marker = first[l.key][0].contains("str_id")
                                   ? first[l.key][0]["str_id"].get<std::string>()
                                   : first[l.key][0]["id"].get<std::string>();
    const json rest = get_ok(env, l.path + sep + "marker=" + marker);
    EXPECT_EQ(rest[l.key].size(), l.total - 1);
    EXPECT_EQ(rest["links"], json::array());
  }
}

TEST(Pagination, TheServersPageSizeCapsEveryPage) {
  ApiLimits limits;
  limits.max_page_size = 2;
  ApiTestEnv env(limits);
  const json page = get_ok(env, "/flavors");
  EXPECT_EQ(page["flavors"].size(), 2u);
  EXPECT_EQ(page["links"].size(), 1u);
  EXPECT_EQ(get_ok(env, "/flavors?limit=1000")["flavors"].size(), 2u);
  EXPECT_EQ(get_ok(env, "/flavors?limit=1")["flavors"].size(), 1u);
}

TEST(Pagination, BadLimitsAndUnknownMarkersAre400) {
  ApiTestEnv env;
  for (const char* query : {"limit=0", "limit=-1", "limit=abc", "limit=1.5",
                            "limit=", "limit=1234567890123456789012", "limit=1&limit=2"}) {
    const Response r = get(env, std::string("/flavors?") + query);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
  }
  Response r = get(env, "/flavors?limit=2");
  EXPECT_EQ(r.status, 200);
  r = get(env, "/instances?marker=no-such-instance");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r)["badRequest"]["message"],
            "marker 'no-such-instance' is not the id of an instance in this list; list again "
            "without a marker");
  EXPECT_EQ(get(env, "/flavors?marker=a%01b").status, 400);
  EXPECT_EQ(get(env, "/flavors?marker=" + std::string(256, 'm')).status, 400);
  const Response long_marker = get(env, "/flavors?marker=" + std::string(200, 'm'));
  EXPECT_EQ(long_marker.status, 400);
  EXPECT_LT(long_marker.body.size(), 300u) << "the marker is not echoed whole";
}

}  // namespace
}  // namespace automat::api
