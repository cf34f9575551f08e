#pragma once
// ApiTestEnv (tests/unit/api_test_env.h) with the database-admin routes
// wired: a FakeDatabaseAdminClients standing in for the guests, a
// FakeRootHistory, and helpers that seed an ACTIVE instance with an address.
#include <nlohmann/json.hpp>
#include <string>

#include "tests/fakes/fake_database_admin.h"
#include "tests/fakes/fake_root_history.h"
#include "tests/unit/api_test_env.h"

namespace automat::testing {

struct DatabaseAdminTestEnv : ApiTestEnv {
  FakeDatabaseAdminClients guests;
  FakeRootHistory root_history{&instances};

  DatabaseAdminTestEnv() {
    services.database_admin = &guests;
    services.root_history = &root_history;
    services.guest_call_timeout = std::chrono::seconds(7);
  }

  // An ACTIVE, idle instance of tenant A (or `tenant`) at `address`.
  std::string active_instance(const std::string& address = "127.10.0.5",
                              const std::string& tenant = "") {
    const std::string id = add_instance(tenant.empty() ? tenant_a : tenant, "NONE", "RUNNING");
    instances.set_address(id, address, 8790);
    return id;
  }

  FakeDatabaseAdmin& guest(const std::string& instance_id) { return guests.guest(instance_id); }

  api::Response request(api::Method method, const std::string& path, const std::string& body = "",
                        const std::string& token = "") {
    const bool b = !token.empty() && token == token_b;
    return call(method, url(b ? tenant_b : tenant_a, path), token.empty() ? token_a : token, body);
  }
  api::Response get(const std::string& path, const std::string& token = "") {
    return request(api::Method::kGet, path, "", token);
  }
  api::Response post(const std::string& path, const nlohmann::json& body) {
    return request(api::Method::kPost, path, body.dump());
  }
  api::Response put(const std::string& path, const nlohmann::json& body) {
    return request(api::Method::kPut, path, body.dump());
  }
  api::Response del(const std::string& path) { return request(api::Method::kDelete, path); }
};

}  // namespace automat::testing
