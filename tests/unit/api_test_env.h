#pragma once
// An in-process automat-api for unit tests: the real Router and handlers
// over the fakes of tests/fakes/, seeded with two tenants, an admin, the
// mysql datastore and a few flavors. No sockets.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/router.h"
#include "api/services.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "datastores/api_registry.h"
#include "tests/fakes/fake_backup_repository.h"
#include "tests/fakes/fake_backup_schedule_repository.h"
#include "tests/fakes/fake_broker.h"
#include "tests/fakes/fake_repositories.h"
#include "tests/fakes/manual_clock.h"

namespace automat::testing {

struct ApiTestEnv {
  // The configured [api] public_endpoint every link starts with.
  static constexpr const char* kPublicEndpoint = "http://api.example:8779";

  FakeTokenRepository tokens;
  FakeCatalogRepository catalog;
  FakeOperationRepository operations;
  FakeInstanceRepository instances{&operations, &catalog};
  FakeQuotaRepository quotas{&instances};
  FakeBackupRepository backups{instances, operations, catalog};
  FakeBackupScheduleRepository backup_schedules{instances};
  FakePublisher publisher;
  ManualClock clock;
  api::ApiServices services;
  std::unique_ptr<api::Router> router;

  std::string tenant_a, tenant_b, tenant_ops;
  const std::string token_a = "token-of-alpha";
  const std::string token_b = "token-of-beta";
  const std::string admin_token = "token-of-ops-admin";
  std::string version_id;           // mysql 10.11, the default, active
  std::string inactive_version_id;  // mysql 10.6, inactive

  explicit ApiTestEnv(api::ApiLimits limits = {}) {
    tenant_a = tokens.ensure_tenant("alpha");
    tenant_b = tokens.ensure_tenant("beta");
    tenant_ops = tokens.ensure_tenant("ops");
    tokens.add_token(common::crypto::sha256_hex(token_a), tenant_a, {"member"});
    tokens.add_token(common::crypto::sha256_hex(token_b), tenant_b, {"member"});
    tokens.add_token(common::crypto::sha256_hex(admin_token), tenant_ops, {"admin"});
    db::DatastoreVersion v;
    v.name = "10.11";
    v.manager = "mysql";
    v.enabled_replication = true;
    version_id = catalog.register_version("mysql", v, true);
    v.name = "10.6";
    v.active = false;
    inactive_version_id = catalog.register_version("mysql", v, false);
    catalog.upsert_flavor({"1", "m1.tiny", 512, 1, 5});
    catalog.upsert_flavor({"2", "m1.small", 1024, 1, 10});
    catalog.upsert_flavor({"9", "m1.nano", 256, 1, 1});
    services = api::ApiServices{
        &tokens, &catalog, &instances, &operations, &publisher, &clock, &datastores::api_strategy,
        limits};
    services.quotas = &quotas;
    quotas.backup_repo = &backups;
    services.backups = &backups;
    services.backup_schedules = &backup_schedules;
    router = std::make_unique<api::Router>(services, kPublicEndpoint);
  }

  api::Response call(api::Method method, const std::string& target, const std::string& token,
                     std::string body = "") {
    api::Request req;
    req.method = method;
    req.target = target;
    req.auth_token = token;
    req.body = std::move(body);
    return router->handle(req);
  }

  // /v1.0/<tenant><path>
  static std::string url(const std::string& tenant, const std::string& path) {
    return "/v1.0/" + tenant + path;
  }

  // Seeds an instance of `tenant` directly (bypassing the API).
  std::string add_instance(const std::string& tenant, const std::string& task,
                           const std::string& service_status = "RUNNING") {
    db::Instance in;
    in.id = common::crypto::uuid4();
    in.tenant_id = tenant;
    in.name = "seeded";
    in.flavor_id = "1";
    in.volume_size_gb = 2;
    in.datastore_version_id = version_id;
    in.task = task;
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = tenant;
    op.type = "instance.create";
    op.resource_type = "instance";
    op.resource_id = in.id;
    instances.create_with_operation(in, op);
    instances.set_service_status(in.id, service_status);
    return in.id;
  }

  size_t operation_count() {
    std::lock_guard<std::mutex> l(operations.mu);
    return operations.operations.size();
  }
  size_t instance_count() {
    std::lock_guard<std::mutex> l(instances.mu);
    return instances.instances.size();
  }
};

inline nlohmann::json body_of(const api::Response& r) { return nlohmann::json::parse(r.body); }

// A valid create body; tests change one field at a time.
inline nlohmann::json valid_create_body() {
  return {
      {"instance",
       {{"name", "orders"},
        {"flavorRef", "1"},
        {"volume", {{"size", 2}}},
        {"datastore", {{"type", "mysql"}, {"version", "10.11"}}},
        {"databases", {{{"name", "shop"}, {"character_set", "utf8mb4"}}}},
        {"users", {{{"name", "app"}, {"password", "s3cret-pass-1"}, {"databases", {"shop"}}}}}}}};
}

}  // namespace automat::testing
