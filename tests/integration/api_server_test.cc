// The real HTTP server (api/http_server.h) on an ephemeral port, over the
// real PostgreSQL of AUTOMAT_TEST_DATABASE_URL, spoken to with a Beast
// client and raw sockets. The broker is the in-memory fake, so no task
// reaches a shared queue.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/http_server.h"
#include "api/router.h"
#include "common/crypto.h"
#include "datastores/api_registry.h"
#include "db/pg_repositories.h"
#include "tests/fakes/fake_broker.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

constexpr size_t kMaxBody = 4096;

// One server for the whole binary, on tenant A/B of a fresh database.
struct ServerEnv {
  db::PgTokenRepository tokens{PgTestDb::get().pool()};
  db::PgCatalogRepository catalog{PgTestDb::get().pool()};
  db::PgInstanceRepository instances{PgTestDb::get().pool()};
  db::PgOperationRepository operations{PgTestDb::get().pool()};
  FakePublisher publisher;
  common::SystemClock clock;
  api::ApiServices services;
  std::unique_ptr<api::Router> router;
  std::unique_ptr<api::HttpServer> server;
  Seed seed;
  std::string token_a = common::crypto::random_hex(24);
  std::string token_b = common::crypto::random_hex(24);

  ServerEnv() {
    seed = seed_catalog(PgTestDb::get().pool());
    tokens.add_token(common::crypto::sha256_hex(token_a), seed.tenant_id, {"member"});
    tokens.add_token(common::crypto::sha256_hex(token_b), seed.other_tenant_id, {"member"});
    api::ApiLimits limits;
    limits.max_body_bytes = kMaxBody;
    services = api::ApiServices{
        &tokens, &catalog, &instances, &operations, &publisher, &clock, &datastores::api_strategy,
        limits};
    router = std::make_unique<api::Router>(services, "http://127.0.0.1");
    api::HttpServer::Options options;
    options.port = 0;
    options.workers = 2;
    options.max_body_bytes = kMaxBody;
    server = std::make_unique<api::HttpServer>(*router, options);
    server->start();
  }

  static ServerEnv& get() {
    static ServerEnv env;
    return env;
  }

  std::string url(const std::string& path) const { return "/v1.0/" + seed.tenant_id + path; }
};

class Client {
 public:
  Client() : socket_(ioc_) {
    socket_.connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), ServerEnv::get().server->port()));
  }

  http::response<http::string_body> send(http::verb verb, const std::string& target,
                                         const std::string& token, const std::string& body = "") {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set("X-Auth-Token", token);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return res;
  }

  // Writes raw bytes and reads until the server closes the connection.
  std::string raw(const std::string& bytes) {
    net::write(socket_, net::buffer(bytes));
    std::string out;
    beast::error_code ec;
    char chunk[4096];
    for (;;) {
      const size_t n = socket_.read_some(net::buffer(chunk), ec);
      if (ec) break;
      out.append(chunk, n);
    }
    return out;
  }

  tcp::socket& socket() { return socket_; }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

json body_of(const http::response<http::string_body>& res) { return json::parse(res.body()); }

json create_body() {
  return {
      {"instance",
       {{"name", "it-db"},
        {"flavorRef", "1"},
        {"volume", {{"size", 1}}},
        {"datastore", {{"type", "mysql"}}},
        {"databases", {{{"name", "shop"}}}},
        {"users", {{{"name", "app"}, {"password", "it-password-1"}, {"databases", {"shop"}}}}}}}};
}

TEST(ApiServer, VersionsDocumentOverHttp) {
  Client client;
  const auto res = client.send(http::verb::get, "/", "");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(body_of(res)["versions"][0]["id"], "v1.0");
}

TEST(ApiServer, CreateShowAndDeleteOnOneKeepAliveConnection) {
  auto& env = ServerEnv::get();
  Client client;
  const auto created =
      client.send(http::verb::post, env.url("/instances"), env.token_a, create_body().dump());
  ASSERT_EQ(created.result_int(), 202) << created.body();
  const std::string op_id(created["X-Operation-Id"]);
  const std::string id = body_of(created)["instance"]["id"];
  EXPECT_EQ(body_of(created)["operation"]["id"], op_id);
  EXPECT_EQ(body_of(created)["instance"]["status"], "BUILD");
  EXPECT_EQ(created.body().find("it-password-1"), std::string::npos);

  // Both rows exist in PostgreSQL; the operation carries its input.
  auto& db = PgTestDb::get();
  EXPECT_EQ(db.query("SELECT task FROM instances WHERE id = '" + id + "'")[0][0].as<std::string>(),
            "BUILDING");
  EXPECT_EQ(
      db.query("SELECT input->'users'->0->>'name' FROM operations WHERE id = '" + op_id + "'")[0][0]
          .as<std::string>(),
      "app");

  // Same connection (keep-alive): show, then the operation.
  const auto shown = client.send(http::verb::get, env.url("/instances/" + id), env.token_a);
  ASSERT_EQ(shown.result_int(), 200) << shown.body();
  EXPECT_EQ(body_of(shown)["instance"]["datastore"]["version"], "10.11");
  const auto op = client.send(http::verb::get, env.url("/operations/" + op_id), env.token_a);
  ASSERT_EQ(op.result_int(), 200);
  EXPECT_EQ(body_of(op)["operation"]["type"], "instance.create");

  // Still BUILDING: delete is refused.
  const auto busy = client.send(http::verb::delete_, env.url("/instances/" + id), env.token_a);
  EXPECT_EQ(busy.result_int(), 409) << busy.body();

  db.query("UPDATE instances SET task = 'NONE' WHERE id = '" + id + "'");
  const auto deleted = client.send(http::verb::delete_, env.url("/instances/" + id), env.token_a);
  ASSERT_EQ(deleted.result_int(), 202) << deleted.body();
  EXPECT_FALSE(std::string(deleted["X-Operation-Id"]).empty());
  EXPECT_EQ(db.query("SELECT task FROM instances WHERE id = '" + id + "'")[0][0].as<std::string>(),
            "DELETING");
}

TEST(ApiServer, TenantScopingOverHttp) {
  auto& env = ServerEnv::get();
  Client client;
  const auto created =
      client.send(http::verb::post, env.url("/instances"), env.token_a, create_body().dump());
  ASSERT_EQ(created.result_int(), 202);
  const std::string id = body_of(created)["instance"]["id"];
  const std::string b_url = "/v1.0/" + env.seed.other_tenant_id + "/instances/" + id;
  EXPECT_EQ(client.send(http::verb::get, env.url("/instances/" + id), env.token_b).result_int(),
            403);
  const auto hidden = client.send(http::verb::get, b_url, env.token_b);
  EXPECT_EQ(hidden.result_int(), 404);
  EXPECT_TRUE(body_of(hidden).contains("itemNotFound"));
  EXPECT_EQ(client.send(http::verb::get, env.url("/instances"), "").result_int(), 401);
}

TEST(ApiServer, BodyOverTheLimitIs413BeforeItIsRead) {
  auto& env = ServerEnv::get();
  Client client;
  const std::string head =
      "POST " + env.url("/instances") + " HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + env.token_a +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(kMaxBody + 1) +
      "\r\n\r\n";
  const std::string answer = client.raw(head + std::string(kMaxBody + 1, ' '));
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("overLimit"), std::string::npos) << answer;
}

TEST(ApiServer, ExpectContinueIsHonoured) {
  auto& env = ServerEnv::get();
  Client client;
  const std::string body = create_body().dump();
  const std::string head = "POST " + env.url("/instances") +
                           " HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + env.token_a +
                           "\r\nExpect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  net::write(client.socket(), net::buffer(head));
  // The interim answer comes before we send the body.
  char interim[64] = {};
  size_t got = 0;
  while (got < 25)
    got += client.socket().read_some(net::buffer(interim + got, sizeof interim - 1 - got));
  EXPECT_EQ(std::string(interim).rfind("HTTP/1.1 100 Continue", 0), 0u) << interim;
  const std::string answer = client.raw(body);
  EXPECT_NE(answer.find("HTTP/1.1 202"), std::string::npos) << answer;
}

TEST(ApiServer, MalformedHttpIs400) {
  Client client;
  const std::string answer = client.raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_NE(answer.find("badRequest"), std::string::npos);
}

TEST(ApiServer, SurvivesAbruptClientsAndKeepsServing) {
  for (int i = 0; i < 20; ++i) {
    Client client;
    net::write(client.socket(), net::buffer(std::string("GET / HTTP/1.1\r\nHost:")));
    client.socket().close();
  }
  Client client;
  EXPECT_EQ(client.send(http::verb::get, "/", "").result_int(), 200);
}

}  // namespace
}  // namespace automat::testing
