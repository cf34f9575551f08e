// The view fields Trove's clients read (python-troveclient, `openstack
// database ...`), and the catalog routes they call.
#include <gtest/gtest.h>

#include "api/views.h"
#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;

json get_ok(ApiTestEnv& env, const std::string& path, const std::string& token = "") {
  const Response r = env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, path),
                              token.empty() ? env.token_a : token);
  EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  return body_of(r);
}

TEST(TroveInstanceView, CarriesTheFieldsTheClientsRead) {
  ApiTestEnv env;
  const std::string id = env.add_instance(env.tenant_a, "NONE", "RUNNING");
  env.instances.set_address(id, "127.10.0.9", 8780);
  const json view = get_ok(env, "/instances/" + id)["instance"];
  EXPECT_EQ(view["operating_status"], "HEALTHY");
  EXPECT_EQ(view["addresses"], json::parse(R"([{"address": "127.10.0.9", "type": "private"}])"));
  EXPECT_EQ(view["ip"], json::array({"127.10.0.9"}));
  EXPECT_EQ(view["access"], json({{"is_public", false}}));
  EXPECT_EQ(view["region"], "RegionOne");
  EXPECT_EQ(view["tenant_id"], env.tenant_a);
  EXPECT_TRUE(view["service_status_updated"].is_string()) << view;
  EXPECT_EQ(view["datastore"]["version_number"], "10.11");
  EXPECT_FALSE(view.contains("fault"));
}

TEST(TroveInstanceView, TheVolumeShowsWhatItsGuestLastReportedUsed) {
  db::Instance in;
  in.id = "i1";
  in.volume_size_gb = 2;
  const LinkBase links{"http://api", "t1", "RegionOne"};
  EXPECT_EQ(instance_view(in, links)["volume"], json({{"size", 2}})) << "nothing reported yet";
  in.volume_used_bytes = (int64_t{1} << 30) * 3 / 2;
  in.volume_total_bytes = int64_t{2} << 30;
  EXPECT_EQ(instance_view(in, links)["volume"],
            json({{"size", 2}, {"used", 1.5}, {"used_percent", 75}}));
  EXPECT_EQ(volume_view(1, 123456789, 1000000000)["used"], 0.11);
}

TEST(TroveInstanceView, TheRegionIsTheConfiguredOne) {
  ApiTestEnv env;
  env.services.region = "moon-1";
  const std::string id = env.add_instance(env.tenant_a, "NONE", "RUNNING");
  EXPECT_EQ(get_ok(env, "/instances/" + id)["instance"]["region"], "moon-1");
}

TEST(TroveInstanceView, OperatingStatusIsTheDatastoresOwnWhileNoTaskRuns) {
  ApiTestEnv env;
  const struct {
    const char* task;
    const char* service;
    const char* expected;
  } cases[] = {
      {"BUILDING", "RUNNING", ""},
      {"NONE", "RUNNING", "HEALTHY"},
      {"NONE", "SHUTDOWN", "SHUTDOWN"},
      {"NONE", "CRASHED", "SHUTDOWN"},
      {"NONE", "BLOCKED", "BLOCKED"},
      {"NONE", "FAILED_TIMEOUT_GUESTAGENT", "ERROR"},
      {"NONE", "REPLICATION_ERROR", "ERROR"},
      {"DELETING", "RUNNING", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.task) + "/" + c.service);
    const std::string id = env.add_instance(env.tenant_a, c.task, c.service);
    EXPECT_EQ(get_ok(env, "/instances/" + id)["instance"]["operating_status"], c.expected);
  }
}

TEST(TroveInstanceView, AFaultHasTheCreatedTimeTheClientReads) {
  ApiTestEnv env;
  const std::string id = env.add_instance(env.tenant_a, "BUILDING_ERROR", "NEW");
  env.instances.set_fault(id, "the guest did not start");
  const json fault = get_ok(env, "/instances/" + id)["instance"]["fault"];
  EXPECT_EQ(fault["message"], "the guest did not start");
  EXPECT_TRUE(fault["created"].is_string() && !fault["created"].get<std::string>().empty());
  EXPECT_TRUE(fault["details"].is_string());
  // In the list too, so `openstack database instance list` never crashes.
  EXPECT_EQ(get_ok(env, "/instances")["instances"][0]["fault"]["created"], fault["created"]);
}

TEST(TroveFlavorView, IntegerIdStrIdAndEphemeral) {
  ApiTestEnv env;
  env.catalog.upsert_flavor({"db.large", "db.large", 8192, 4, 80});
  env.catalog.upsert_flavor({"07", "odd", 512, 1, 1});
  const json one = get_ok(env, "/flavors/1")["flavor"];
  EXPECT_EQ(one["id"], 1);
  EXPECT_EQ(one["str_id"], "1");
  EXPECT_EQ(one["ephemeral"], 0);
  const json named = get_ok(env, "/flavors/db.large")["flavor"];
  EXPECT_TRUE(named["id"].is_null());
  EXPECT_EQ(named["str_id"], "db.large");
  EXPECT_TRUE(get_ok(env, "/flavors/07")["flavor"]["id"].is_null()) << "not Trove's integer form";
}

TEST(TroveVersionView, VersionNumberAndLinksByIdAndAdminOnlyImage) {
  ApiTestEnv env;
  db::DatastoreVersion v = *env.catalog.find_version_by_id(env.version_id);
  v.image_location = "/srv/images/mysql";
  v.packages = "mariadb-server";
  env.catalog.register_version("mysql", v, true);
  const json member = get_ok(env, "/datastores/mysql/versions/10.11")["version"];
  EXPECT_EQ(member["version"], "10.11");
  EXPECT_EQ(member["active"], true);
  EXPECT_EQ(member["links"][0]["href"], "http://api.example:8779/v1.0/" + env.tenant_a +
                                            "/datastores/versions/" + env.version_id);
  EXPECT_FALSE(member.contains("image")) << "a tenant does not see the host's paths";
  EXPECT_FALSE(member.contains("packages"));
  const json admin = get_ok(env, "/datastores/mysql/versions/10.11", env.admin_token)["version"];
  EXPECT_EQ(admin["image"], "/srv/images/mysql");
  EXPECT_EQ(admin["packages"], "mariadb-server");
  EXPECT_EQ(get_ok(env, "/datastores", env.admin_token)["datastores"][0]["versions"][0]["image"]
                .is_string(),
            true);
}

TEST(DatastoreVersionById, ShowsTheVersionWithoutItsDatastore) {
  ApiTestEnv env;
  const json v = get_ok(env, "/datastores/versions/" + env.version_id)["version"];
  EXPECT_EQ(v["name"], "10.11");
  EXPECT_EQ(v["datastore"], env.catalog.find_datastore("mysql")->id);
  const Response missing = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_a, "/datastores/versions/nope"), env.token_a);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["itemNotFound"]["message"], "datastore version 'nope' was not found");
}

TEST(DatastoreVersionFlavors, TheFlavorsWithEnoughRamForTheVersion) {
  ApiTestEnv env;
  EXPECT_EQ(get_ok(env, "/datastores/mysql/versions/10.11/flavors")["flavors"].size(), 3u);
  db::DatastoreVersion v = *env.catalog.find_version_by_id(env.version_id);
  v.min_ram_mb = 1024;
  env.catalog.register_version("mysql", v, true);
  const json body = get_ok(env, "/datastores/mysql/versions/" + env.version_id + "/flavors");
  ASSERT_EQ(body["flavors"].size(), 1u);
  EXPECT_EQ(body["flavors"][0]["name"], "m1.small");
  EXPECT_EQ(body["flavors"][0]["str_id"], "2");
  EXPECT_EQ(body["links"], json::array());
  for (const char* path :
       {"/datastores/redis/versions/1/flavors", "/datastores/mysql/versions/9.9/flavors"}) {
    EXPECT_EQ(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, path), env.token_a).status, 404)
        << path;
  }
}

}  // namespace
}  // namespace automat::api
