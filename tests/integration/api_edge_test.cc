// The real HTTP server against hostile input (issue 10, part 1), over the
// real PostgreSQL of AUTOMAT_TEST_DATABASE_URL, spoken to with raw sockets:
// ids PostgreSQL cannot hold, the Host header, Transfer-Encoding, slow
// heads, request ids on every answer, and a database that is down.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "api/http_server.h"
#include "api/router.h"
#include "common/crypto.h"
#include "datastores/api_registry.h"
#include "db/pg_cluster_repository.h"
#include "db/pg_repositories.h"
#include "tests/fakes/fake_broker.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

constexpr const char* kPublicEndpoint = "https://api.public.example:8443";

// A real server over a pool on `dsn` (the test database, or one that is down).
struct Stack {
  db::ConnectionPool pool;
  db::PgTokenRepository tokens{pool};
  db::PgCatalogRepository catalog{pool};
  db::PgInstanceRepository instances{pool};
  db::PgOperationRepository operations{pool};
  db::PgClusterRepository clusters{pool};
  FakePublisher publisher;
  common::SystemClock clock;
  api::ApiServices services;
  std::unique_ptr<api::Router> router;
  std::unique_ptr<api::HttpServer> server;

  explicit Stack(const std::string& dsn) : pool(dsn, 4) {
    services = api::ApiServices{
        &tokens, &catalog, &instances, &operations, &publisher, &clock, &datastores::api_strategy,
        {}};
    services.clusters = &clusters;
    services.cluster_strategies = &datastores::cluster_strategy;
    router = std::make_unique<api::Router>(services, kPublicEndpoint);
    api::HttpServer::Options options;
    options.port = 0;
    options.workers = 2;
    options.header_timeout = std::chrono::seconds(2);
    server = std::make_unique<api::HttpServer>(*router, options);
    server->start();
  }
};

struct Env {
  Stack stack{PgTestDb::get().dsn()};
  Seed seed = seed_catalog(PgTestDb::get().pool());
  std::string token = common::crypto::random_hex(24);

  Env() { stack.tokens.add_token(common::crypto::sha256_hex(token), seed.tenant_id, {"member"}); }
  static Env& get() {
    static Env env;
    return env;
  }
  std::string url(const std::string& path) const { return "/v1.0/" + seed.tenant_id + path; }
};

struct Answer {
  int status = 0;
  std::string head;
  std::string body;
  std::string header(const std::string& name) const {
    const std::regex re("\r\n" + name + ": ([^\r]*)\r\n", std::regex::icase);
    std::smatch m;
    return std::regex_search(head, m, re) ? m[1].str() : "";
  }
  std::string message() const {
    const json doc = json::parse(body);
    return doc.begin().value()["message"];
  }
};

// Sends `bytes` on a fresh connection and reads one answer (the server
// closes the connection, or the answer says how long its body is).
Answer exchange(const std::string& bytes, uint16_t port = Env::get().stack.server->port()) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(socket, net::buffer(bytes));
  std::string in;
  char chunk[4096];
  boost::system::error_code ec;
  for (;;) {
    const size_t head_end = in.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      Answer a;
      a.head = in.substr(0, head_end + 2);
      const std::string length = a.header("Content-Length");
      if (!length.empty() && in.size() >= head_end + 4 + std::stoul(length)) {
        a.status = std::stoi(in.substr(9, 3));
        a.body = in.substr(head_end + 4, std::stoul(length));
        return a;
      }
    }
    const size_t n = socket.read_some(net::buffer(chunk), ec);
    if (ec) break;
    in.append(chunk, n);
  }
  ADD_FAILURE() << "no complete answer to " << bytes.substr(0, 80) << ": " << in;
  return {};
}

std::string get(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: " + Env::get().token +
         "\r\nConnection: close\r\n" + extra_headers + "\r\n";
}

std::string post(const std::string& target, const std::string& body,
                 const std::string& framing = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: " + Env::get().token +
         "\r\nContent-Type: application/json\r\nConnection: close\r\n" +
         (framing.empty() ? "Content-Length: " + std::to_string(body.size()) + "\r\n" : framing) +
         "\r\n" + body;
}

int instance_rows() {
  return PgTestDb::get()
      .query("SELECT count(*) FROM instances WHERE tenant_id = '" + Env::get().seed.tenant_id +
             "'")[0][0]
      .as<int>();
}

TEST(ApiEdge, IdsPostgresCannotHoldAre404OnEveryRoute) {
  auto& env = Env::get();
  for (const char* bad : {"%FF", "%C0%AF", "%ED%A0%80", "\xFF", "x%00y"}) {
    for (const char* path : {"/instances/", "/operations/", "/flavors/", "/datastores/",
                             "/clusters/", "/datastores/mysql/versions/", "/clusters/c1/nodes/"}) {
      SCOPED_TRACE(std::string(path) + bad);
      const Answer a = exchange(get(env.url(std::string(path) + bad)));
      EXPECT_EQ(a.status, 404) << a.body;
      EXPECT_EQ(a.body.find("UTF8"), std::string::npos) << a.body;
      EXPECT_EQ(a.body.find("byte sequence"), std::string::npos) << a.body;
    }
  }
  // NUL no longer cuts an id short.
  EXPECT_EQ(exchange(get(env.url("/flavors/1"))).status, 200);
  EXPECT_EQ(exchange(get(env.url("/flavors/1%00junk"))).status, 404);
  EXPECT_EQ(exchange(get(env.url("/datastores/mysql"))).status, 200);
  EXPECT_EQ(exchange(get(env.url("/datastores/mysql%00junk"))).status, 404);
  EXPECT_EQ(exchange(get(env.url("/instances?marker=%FF"))).status, 400);
}

TEST(ApiEdge, BodiesBuiltToBreakTheReaderAre400AndCreateNothing) {
  auto& env = Env::get();
  const int before = instance_rows();
  const std::string deep = R"({"instance": {"name": "r", "replica_of": "x", "replica_count": )" +
                           std::string(85000, '[') + std::string(85000, ']') + "}}";
  Answer a = exchange(post(env.url("/instances"), deep));
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.message().find("deeper than 32 levels"), std::string::npos) << a.body;
  const std::string valid =
      R"({"instance": {"name": "edge", "flavorRef": "1", "volume": {"size": 1}}})";
  for (const char* number : {"1e400", "-1e400"}) {
    std::string body = valid;
    body.replace(body.find("\"size\": 1") + 8, 1, number);
    a = exchange(post(env.url("/instances"), body));
    EXPECT_EQ(a.status, 400) << a.body;
    EXPECT_NE(a.message().find("instance.volume.size is a number out of range"), std::string::npos);
  }
  std::string nul = valid;
  nul.replace(nul.find("\"1\""), 3, R"("1\u0000x")");
  a = exchange(post(env.url("/instances"), nul));
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.message().find("instance.flavorRef must not contain U+0000"), std::string::npos);
  a = exchange(post(env.url("/instances"), R"({"instance": {"name": "a", "name": "b"}})"));
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(instance_rows(), before);
  // And the server still answers.
  EXPECT_EQ(exchange(get("/")).status, 200);
}

TEST(ApiEdge, TheHostHeaderIsNeverReflected) {
  auto& env = Env::get();
  const std::string request = "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n";
  Answer a = exchange(request);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(json::parse(a.body)["versions"][0]["links"][0]["href"],
            std::string(kPublicEndpoint) + "/v1.0/");
  a = exchange("GET " + env.url("/flavors/1") +
               " HTTP/1.1\r\nHost: evil.example\r\nX-Auth-Token: " + env.token +
               "\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body.find("evil.example"), std::string::npos) << a.body;
  EXPECT_NE(a.body.find(kPublicEndpoint), std::string::npos) << a.body;
}

TEST(ApiEdge, TransferEncodingOtherThanChunkedAloneIsRefused) {
  auto& env = Env::get();
  const std::string body = R"({"instance": {}})";
  const struct {
    std::string framing;
    int status;
  } cases[] = {
      {"Transfer-Encoding: identity\r\n", 501},
      {"Transfer-Encoding: xchunked\r\n", 501},
      {"Transfer-Encoding: gzip, chunked\r\n", 501},
      {"Transfer-Encoding: chunked, chunked\r\n", 400},
      {"Transfer-Encoding: identity\r\nContent-Length: 16\r\n", 400},
      {"Content-Length: 16\r\nTransfer-Encoding: chunked\r\n", 400},
      {"Transfer-Encoding: chunked\r\nContent-Length: 16\r\n", 400},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.framing);
    const Answer a = exchange(post(env.url("/instances"), body, c.framing));
    EXPECT_EQ(a.status, c.status) << a.body;
    EXPECT_FALSE(a.message().empty());
    EXPECT_EQ(a.message().find("empty"), std::string::npos) << "never read as no body";
    EXPECT_FALSE(a.header("X-Openstack-Request-Id").empty());
  }
  // chunked alone is read as usual.
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const Answer a = exchange(post(env.url("/instances"), size + ("\r\n" + body) + "\r\n0\r\n\r\n",
                                 "Transfer-Encoding: chunked\r\n"));
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.message().find("instance.name is required"), std::string::npos) << a.body;
}

TEST(ApiEdge, EveryAnswerCarriesAFreshRequestId) {
  auto& env = Env::get();
  const std::regex shape("req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  const std::string cases[] = {
      get("/"),                  // 200
      get(env.url("/widgets")),  // 404
      "PUT " + env.url("/flavors") + " HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + env.token +
          "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",                            // 405
      "GET " + env.url("/flavors") + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",  // 401
      post(env.url("/instances"), "", "Content-Length: 2000000\r\n"),                      // 413
      "NOT HTTP AT ALL\r\n\r\n",                                                           // 400
  };
  for (const auto& request : cases) {
    const Answer a = exchange(request);
    const std::string id = a.header("X-Openstack-Request-Id");
    SCOPED_TRACE(std::to_string(a.status) + " " + id);
    EXPECT_TRUE(std::regex_match(id, shape)) << a.head;
    EXPECT_TRUE(seen.insert(id).second);
  }
  EXPECT_EQ(seen.size(), 6u);
}

TEST(ApiEdge, AHeadNotCompleteWithinTheHeaderTimeoutIsClosed) {
  net::io_context ioc;
  tcp::socket slow(ioc);
  slow.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), Env::get().stack.server->port()));
  net::write(slow, net::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n")));
  const auto started = std::chrono::steady_clock::now();
  char c;
  boost::system::error_code ec;
  slow.read_some(net::buffer(&c, 1), ec);  // returns when the server closes
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(ec) << "the server answered a request it never got";
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_GE(waited, std::chrono::milliseconds(1500));
}

TEST(ApiEdge, AKeepAliveConnectionMayIdleLongerThanTheHeaderTimeout) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), Env::get().stack.server->port()));
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int i = 0; i < 2; ++i) {
    net::write(socket, net::buffer(request));
    std::string in;
    char chunk[4096];
    while (in.find("\"versions\"") == std::string::npos || in.back() != '}') {
      in.append(chunk, socket.read_some(net::buffer(chunk)));
    }
    EXPECT_EQ(in.rfind("HTTP/1.1 200", 0), 0u);
    // Longer than header_timeout (2 s), shorter than idle_timeout (60 s).
    if (i == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  }
}

TEST(ApiEdge, ADatabaseThatIsDownIsA503WithTheRequestIdOnly) {
  Stack down("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  const Answer a = exchange(get("/v1.0/some-tenant/instances"), down.server->port());
  EXPECT_EQ(a.status, 503);
  const std::string id = a.header("X-Openstack-Request-Id");
  EXPECT_EQ(a.message(), "the service is temporarily unavailable (request " + id + ")");
  EXPECT_EQ(a.header("Retry-After"), "1");
}

}  // namespace
}  // namespace automat::testing
