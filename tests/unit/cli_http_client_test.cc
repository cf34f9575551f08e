// The libcurl HttpClient against a real socket: a refused port, and a
// one-request server that records what arrived and answers canned bytes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "cli/errors.h"
#include "cli/http_client.h"

namespace automat::cli {
namespace {

// A listening socket on 127.0.0.1 with a kernel-chosen port.
class LoopbackListener {
 public:
  LoopbackListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(fd_, 1) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackListener() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

  // Accepts one connection, reads one request (headers + Content-Length
  // body), writes `answer` and returns the request's bytes.
  std::string serve_once(const std::string& answer) {
    int client = accept(fd_, nullptr, nullptr);
    std::string request;
    char buffer[4096];
    while (!complete(request)) {
      ssize_t n = read(client, buffer, sizeof buffer);
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
    }
    (void)!write(client, answer.data(), answer.size());
    ::close(client);
    return request;
  }

 private:
  static bool complete(const std::string& request) {
    size_t end = request.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    size_t length_at = request.find("Content-Length: ");
    if (length_at == std::string::npos || length_at > end) return true;
    size_t length = std::stoul(request.substr(length_at + 16));
    return request.size() >= end + 4 + length;
  }
  int fd_ = -1;
  int port_ = 0;
};

TEST(CliCurlHttpClient, RefusedConnectionNamesTheUrl) {
  LoopbackListener listener;
  int port = listener.port();
  listener.close();  // nothing listens there any more
  auto http = make_curl_http_client();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1.0/t1/instances";
  try {
    http->send(HttpRequest{"GET", url, {}, "", std::chrono::milliseconds(5000)});
    ADD_FAILURE() << "no error for a closed port";
  } catch (const ConnectionError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("cannot reach automat-api at " + url), std::string::npos) << message;
    EXPECT_NE(message.find("Connection refused"), std::string::npos) << message;
  }
}

TEST(CliCurlHttpClient, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
  LoopbackListener listener;
  std::string answer =
      "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
      "X-Operation-Id: op-42\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}";
  auto served = std::async(std::launch::async, [&] { return listener.serve_once(answer); });
  auto http = make_curl_http_client();
  HttpRequest request{"POST",
                      "http://127.0.0.1:" + std::to_string(listener.port()) + "/v1.0/t1/instances",
                      {{"X-Auth-Token", "tok-1"}, {"Content-Type", "application/json"}},
                      R"({"instance":{}})",
                      std::chrono::milliseconds(5000)};
  HttpResponse response = http->send(request);
  std::string received = served.get();

  EXPECT_EQ(received.rfind("POST /v1.0/t1/instances HTTP/1.1\r\n", 0), 0u) << received;
  EXPECT_NE(received.find("X-Auth-Token: tok-1\r\n"), std::string::npos) << received;
  EXPECT_EQ(received.substr(received.size() - 15), R"({"instance":{}})");
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.header("X-Operation-Id"), "op-42");
  EXPECT_EQ(response.body, "{\"ok\":true}");
}

}  // namespace
}  // namespace automat::cli
