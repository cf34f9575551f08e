// The automat-manage binary end to end against a real database: migrations
// embedded in the binary, the token line format, exit 1 on bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "common/crypto.h"
#include "db/pg_repositories.h"
#include "tests/integration/pg_test_db.h"

namespace automat::testing {
namespace {

struct ManageRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

ManageRun manage(const std::string& database_url, const std::string& args) {
  // /dev/null as the config: every option comes from --set.
  const std::string cmd = std::string(AUTOMAT_MANAGE_BIN) +
                          " --config /dev/null --set 'DEFAULT.database_url=" + database_url + "' " +
                          args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(ManageCli, DbSyncAppliesEmbeddedMigrationsOnce) {
  auto& shared = PgTestDb::get();
  const std::string name = shared.name() + "_m";
  const std::string admin = PgTestDb::admin_dsn();
  {
    pqxx::connection c(admin);
    pqxx::nontransaction t(c);
    t.exec("CREATE DATABASE " + name);
  }
  const std::string url = PgTestDb::with_database(admin, name);
  ManageRun first = manage(url, "db sync");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("Applied migration 001_initial"), std::string::npos) << first.output;
  ManageRun second = manage(url, "db sync");
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("up to date"), std::string::npos) << second.output;
  pqxx::connection c(admin);
  pqxx::nontransaction t(c);
  t.exec("DROP DATABASE " + name + " WITH (FORCE)");
}

TEST(ManageCli, TokenCreatePrintsAWorkingToken) {
  auto& db = PgTestDb::get();
  const std::string tenant = "cli-" + common::crypto::random_hex(4);
  ManageRun r = manage(db.dsn(), "token create --tenant " + tenant + " --role admin");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string prefix = "Token for tenant " + tenant + " (tenant_id ";
  ASSERT_EQ(r.output.rfind(prefix, 0), 0u) << r.output;
  const std::string tenant_id = r.output.substr(prefix.size(), r.output.find(')') - prefix.size());
  const std::string token = r.output.substr(r.output.rfind(' ') + 1, 64);

  db::PgTokenRepository tokens(db.pool());
  auto p = tokens.find_by_hash(common::crypto::sha256_hex(token));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->tenant_id, tenant_id);
  EXPECT_TRUE(p->is_admin());

  ManageRun show = manage(db.dsn(), "tenant show " + tenant);
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_EQ(show.output, tenant_id + "\n");
}

TEST(ManageCli, CatalogCommandsAndListing) {
  auto& db = PgTestDb::get();
  ManageRun reg = manage(db.dsn(),
                         "datastore register --name clids --version 1.0 --manager mysql --default"
                         " --enable-cluster --min-ram 256 --image-location /opt/x");
  ASSERT_EQ(reg.exit_code, 0) << reg.output;
  ManageRun flavor =
      manage(db.dsn(), "flavor create --id 77 --name cli.tiny --ram 512 --vcpus 1 --disk 5");
  ASSERT_EQ(flavor.exit_code, 0) << flavor.output;

  db::PgCatalogRepository catalog(db.pool());
  auto v = catalog.find_version("clids", "1.0");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->enabled_cluster);
  EXPECT_EQ(v->min_ram_mb, 256);
  EXPECT_EQ(v->image_location, "/opt/x");
  EXPECT_EQ(catalog.find_datastore("clids")->default_version_id, v->id);
  EXPECT_EQ(catalog.find_flavor("cli.tiny")->id, "77");

  EXPECT_NE(manage(db.dsn(), "flavor list").output.find("cli.tiny"), std::string::npos);
  EXPECT_NE(manage(db.dsn(), "datastore list").output.find("clids"), std::string::npos);
}

TEST(ManageCli, BadInputAndUnreachableDatabaseExitOne) {
  auto& db = PgTestDb::get();
  ManageRun bad_role = manage(db.dsn(), "token create --tenant x --role root");
  EXPECT_EQ(bad_role.exit_code, 1);
  EXPECT_NE(bad_role.output.find("--role"), std::string::npos) << bad_role.output;
  ManageRun missing = manage(db.dsn(), "flavor create --id 1 --name x");
  EXPECT_EQ(missing.exit_code, 1);
  ManageRun bad_ram =
      manage(db.dsn(), "flavor create --id 99 --name y --ram -5 --vcpus 1 --disk 1");
  EXPECT_EQ(bad_ram.exit_code, 1);
  EXPECT_NE(bad_ram.output.find("--ram"), std::string::npos) << bad_ram.output;
  ManageRun down = manage("postgresql://postgres@127.0.0.1:1/none", "db sync");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.output.find("database unavailable"), std::string::npos) << down.output;
}

}  // namespace
}  // namespace automat::testing
