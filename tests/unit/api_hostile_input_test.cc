// The router against hostile input (issue 10, part 1), in-process over the
// fakes: identifiers that no resource can have, values echoed back, bodies
// built to crash the reader, and what a 5xx may say.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "api/openapi.h"
#include "api/router.h"
#include "common/error.h"
#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;
using testing::ClusterTestEnv;

// A path segment no resource can be named by, as sent on the wire.
const char* const kBadSegments[] = {"%FF",      "%C0%AF",       "%ED%A0%80", "\xFF",
                                    "1%00junk", "mysql%00junk", "%00",       "a%F4%90%80%80"};

std::string message_of(const Response& r) {
  const json body = body_of(r);
  return body.begin().value()["message"].get<std::string>();
}

// Every placeholder of `pattern` replaced by `value` ({tenant_id} by `tenant`).
std::string substitute(std::string pattern, const std::string& tenant, const std::string& value) {
  for (size_t open; (open = pattern.find('{')) != std::string::npos;) {
    const size_t close = pattern.find('}', open);
    const bool is_tenant = pattern.compare(open, close - open + 1, "{tenant_id}") == 0;
    pattern.replace(open, close - open + 1, is_tenant ? tenant : value);
  }
  return pattern;
}

// Whether docs/openapi.yaml gives (method, pattern) a request body.
bool takes_a_body(Method method, const std::string& pattern) {
  const json& paths = openapi_document()["paths"];
  const std::string verb = method == Method::kPost    ? "post"
                           : method == Method::kPut   ? "put"
                           : method == Method::kPatch ? "patch"
                                                      : "";
  return !verb.empty() && paths.contains(pattern) && paths[pattern].contains(verb) &&
         paths[pattern][verb].contains("requestBody");
}

void make_every_repository_unavailable(ClusterTestEnv& env) {
  env.tokens.unavailable = true;
  env.catalog.unavailable = true;
  env.instances.unavailable = true;
  env.operations.unavailable = true;
  env.clusters.unavailable = true;
}

TEST(HostileInput, BadPathSegmentsAre404OnEveryRouteWithoutReachingTheDatabase) {
  ClusterTestEnv env;
  make_every_repository_unavailable(env);  // a lookup would answer 503
  size_t checked = 0;
  for (const auto& [method, pattern] : env.router->routes()) {
    if (pattern.find("{", pattern.find("{tenant_id}") + 1) == std::string::npos) continue;
    for (const char* bad : kBadSegments) {
      const std::string target = substitute(pattern, env.tenant_a, bad);
      SCOPED_TRACE(std::string(method_name(method)) + " " + target);
      const Response r = env.call(method, target, env.token_a, "{}");
      EXPECT_EQ(r.status, 404) << r.body;
      EXPECT_TRUE(body_of(r).contains("itemNotFound")) << r.body;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
  // The tenant segment too, and every list route under it.
  for (const char* bad : kBadSegments) {
    const Response r = env.call(Method::kGet, "/v1.0/" + std::string(bad) + "/instances", "");
    EXPECT_EQ(r.status, 404) << bad << " " << r.body;
  }
}

TEST(HostileInput, NulInAnIdNoLongerFindsTheShorterOne) {
  ApiTestEnv env;
  const std::string flavors = ApiTestEnv::url(env.tenant_a, "/flavors/");
  ASSERT_EQ(env.call(Method::kGet, flavors + "1", env.token_a).status, 200);
  EXPECT_EQ(env.call(Method::kGet, flavors + "1%00junk", env.token_a).status, 404);
  const std::string datastores = ApiTestEnv::url(env.tenant_a, "/datastores/");
  ASSERT_EQ(env.call(Method::kGet, datastores + "mysql", env.token_a).status, 200);
  EXPECT_EQ(env.call(Method::kGet, datastores + "mysql%00junk", env.token_a).status, 404);
}

TEST(HostileInput, QueryValuesThatAreNotTextAre400) {
  ApiTestEnv env;
  const std::string url = ApiTestEnv::url(env.tenant_a, "/instances");
  EXPECT_EQ(env.call(Method::kGet, url + "?limit=2&include_clustered=true", env.token_a).status,
            200);
  for (const char* query :
       {"?marker=%FF", "?marker=a%00b", "?%C0%AF=1", "?limit=%ED%A0%80", "?marker=%G1"}) {
    SCOPED_TRACE(query);
    const Response r = env.call(Method::kGet, url + query, env.token_a);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(message_of(r).find("the query parameter"), std::string::npos) << r.body;
  }
  EXPECT_EQ(query_params("/x?a=1&b&&c=%20d+e"), (std::vector<std::pair<std::string, std::string>>{
                                                    {"a", "1"}, {"b", ""}, {"c", " d e"}}));
}

TEST(HostileInput, TheDeepBodyThatCrashedTheApiIsA400NamingTheLimit) {
  ApiTestEnv env;
  const std::string deep = R"({"instance": {"name": "r", "replica_of": "x", "replica_count": )" +
                           std::string(85000, '[') + std::string(85000, ']') + "}}";
  const Response r =
      env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a, deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(message_of(r).find("deeper than 32 levels"), std::string::npos) << r.body;
  EXPECT_LT(r.body.size(), 400u);
  // Just under the limit the value is read, refused, and not echoed.
  const std::string shallow = R"({"instance": {"name": "r", "replica_of": "x", "replica_count": )" +
                              std::string(29, '[') + "7" + std::string(29, ']') + "}}";
  const Response r2 =
      env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a, shallow);
  EXPECT_EQ(r2.status, 400);
  EXPECT_LT(r2.body.size(), 400u) << r2.body;
  EXPECT_EQ(r2.body.find("[[[["), std::string::npos) << r2.body;
}

TEST(HostileInput, NumbersOutOfRangeAre400OnEveryBodyRoute) {
  ClusterTestEnv env;
  size_t checked = 0;
  for (const auto& [method, pattern] : env.router->routes()) {
    if (!takes_a_body(method, pattern)) continue;
    for (const std::string& number :
         {std::string("1e400"), std::string("-1e400"), std::string(400, '7')}) {
      const std::string target = substitute(pattern, env.tenant_a, "some-id");
      SCOPED_TRACE(std::string(method_name(method)) + " " + target);
      const Response r = env.call(method, target, env.token_a, R"({"x": {"y": )" + number + "}}");
      EXPECT_EQ(r.status, 400) << r.body;
      EXPECT_NE(message_of(r).find("x.y is a number out of range"), std::string::npos) << r.body;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10u);
}

TEST(HostileInput, NulInAFlavorRefCreatesNothing) {
  ApiTestEnv env;
  json body = testing::valid_create_body();
  const std::string text = body.dump();
  const std::string with_nul =
      text.substr(0, text.find("\"1\"")) + R"("1\u0000x")" + text.substr(text.find("\"1\"") + 3);
  const Response r =
      env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a, with_nul);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(message_of(r).find("instance.flavorRef must not contain U+0000"), std::string::npos);
  EXPECT_EQ(env.instance_count(), 0u);
  EXPECT_EQ(env.publisher.published().size(), 0u);
}

TEST(HostileInput, DuplicateKeysAre400) {
  ApiTestEnv env;
  const std::string body =
      R"({"instance": {"name": "a", "name": "b", "flavorRef": "1", "volume": {"size": 2}}})";
  const Response r =
      env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a, body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(message_of(r), "instance.name is given twice; give each key of an object once");
}

TEST(HostileInput, InvisibleAndBidiNamesAreRefusedForInstancesAndClusters) {
  ClusterTestEnv env;
  for (const char* name : {"\xE2\x80\xA8", "\xE2\x80\x8B", "\xC2\xA0", "x\xE2\x80\xAEgpj.exe"}) {
    SCOPED_TRACE(name);
    json instance = testing::valid_create_body();
    instance["instance"]["name"] = name;
    const Response r = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"),
                                env.token_a, instance.dump());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(message_of(r).rfind("instance.name must not", 0), 0u) << r.body;
    const Response c = env.post(
        "/clusters", {{"cluster",
                       {{"name", name},
                        {"datastore", {{"type", "cassandra"}}},
                        {"instances", {{{"flavorRef", "2"}, {"volume", {{"size", 2}}}}}}}}});
    EXPECT_EQ(c.status, 400) << c.body;
    EXPECT_EQ(message_of(c).rfind("cluster.name must not", 0), 0u) << c.body;
  }
  EXPECT_EQ(env.instance_count(), 0u);
}

TEST(HostileInput, NoMessageEchoesMoreThanAShortExcerpt) {
  ClusterTestEnv env;
  const std::string huge(60000, 'Z');
  const auto short_answer = [&](const Response& r) {
    EXPECT_GE(r.status, 400);
    EXPECT_LT(r.body.size(), 600u) << r.body.substr(0, 300);
    EXPECT_EQ(r.body.find(std::string(200, 'Z')), std::string::npos);
  };
  const std::string base = ApiTestEnv::url(env.tenant_a, "");
  for (const char* path : {"/instances/", "/flavors/", "/datastores/", "/operations/", "/clusters/",
                           "/datastores/mysql/versions/", "/widgets/"}) {
    SCOPED_TRACE(path);
    short_answer(env.call(Method::kGet, base + path + huge, env.token_a));
  }
  short_answer(env.call(Method::kPatch, base + "/instances/" + huge, env.token_a));
  short_answer(env.call(Method::kGet, "/v1.0/" + huge + "/instances", env.token_a));
  short_answer(
      env.call(Method::kPost, base + "/instances/x/action", env.token_a, json{{huge, {}}}.dump()));
  short_answer(
      env.call(Method::kPost, base + "/instances/x/action", env.token_a, json{{huge, 1}}.dump()));
  json create = testing::valid_create_body();
  create["instance"]["flavorRef"] = huge.substr(0, 250);
  short_answer(env.call(Method::kPost, base + "/instances", env.token_a, create.dump()));
  create = testing::valid_create_body();
  create["instance"]["datastore"]["type"] = huge.substr(0, 250);
  short_answer(env.call(Method::kPost, base + "/instances", env.token_a, create.dump()));
  create = testing::valid_create_body();
  create["instance"]["datastore"]["version"] = huge.substr(0, 250);
  short_answer(env.call(Method::kPost, base + "/instances", env.token_a, create.dump()));
  short_answer(env.post("/clusters/x", {{"shrink", {{{"id", huge}}, {{"id", huge}}}}}));
  short_answer(env.post("/clusters/x", {{huge, 1}}));
}

// Sends log lines to a string while it lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(HostileInput, A503SaysOnlyThatAndTheRequestIdAndLogsTheDetail) {
  ApiTestEnv env;
  env.instances.unavailable = true;
  CapturedLog log;
  Request req;
  req.target = ApiTestEnv::url(env.tenant_a, "/instances");
  req.auth_token = env.token_a;
  req.request_id = "req-5035035c-0000-4000-8000-000000000503";
  const Response r = env.router->handle(req);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(message_of(r),
            "the service is temporarily unavailable (request " + req.request_id + ")");
  EXPECT_NE(log.text().find("request_id=" + req.request_id), std::string::npos) << log.text();
  EXPECT_NE(log.text().find("fake outage"), std::string::npos) << log.text();
}

const DatastoreStrategy* exploding_strategy(const std::string&) {
  struct Exploding : DatastoreStrategy {
    void validate_instance_create(const InstanceCreateRequest&, const db::Flavor&,
                                  const db::DatastoreVersion&) const override {
      throw common::internal_error("database error: relation \"secret_table\" does not exist");
    }
  };
  static const Exploding kExploding;
  return &kExploding;
}

TEST(HostileInput, A500SaysOnlyInternalErrorAndTheRequestId) {
  ApiTestEnv env;
  env.services.strategies = &exploding_strategy;
  CapturedLog log;
  const Response r = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"),
                              env.token_a, testing::valid_create_body().dump());
  EXPECT_EQ(r.status, 500);
  const std::string message = message_of(r);
  ASSERT_EQ(message.rfind("internal error (request req-", 0), 0u) << message;
  const std::string id = message.substr(24, message.size() - 25);
  EXPECT_EQ(id.size(), 40u) << id;  // "req-" + a 36-character UUID
  EXPECT_EQ(r.body.find("secret_table"), std::string::npos);
  // The detail is in the log, on a line carrying the same id.
  const std::string lines = log.text();
  const size_t detail = lines.find("secret_table");
  ASSERT_NE(detail, std::string::npos) << lines;
  const size_t line_start = lines.rfind('\n', detail) + 1;
  EXPECT_NE(lines.substr(line_start, detail - line_start).find("request_id=" + id),
            std::string::npos)
      << lines;
}

TEST(HostileInput, LinksStartWithThePublicEndpoint) {
  ApiTestEnv env;
  const std::string id = env.add_instance(env.tenant_a, "NONE");
  const Response r =
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + id), env.token_a);
  ASSERT_EQ(r.status, 200);
  for (const json& link : body_of(r)["instance"]["links"]) {
    EXPECT_EQ(link["href"].get<std::string>().rfind(ApiTestEnv::kPublicEndpoint, 0), 0u) << link;
  }
}

}  // namespace
}  // namespace automat::api
