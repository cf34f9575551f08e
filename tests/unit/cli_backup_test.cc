// automat backup create | list | show | delete | schedule (of an instance or a cluster)
// and instance create --backup,
// run as whole command lines (cli::run) against a scripted HttpClient.
#include <gtest/gtest.h>

#include "cli/backup_views.h"
#include "tests/unit/cli_session_fixture.h"

namespace automat::cli {
namespace {

using testing::json_response;

constexpr const char* kBackupId = "b4c4b4c4-1111-4222-8333-444455556666";
constexpr const char* kParentId = "a0a0a0a0-1111-4222-8333-444455556666";
constexpr const char* kInstanceId = "0b5c1d1e-7a0f-4c58-9d7e-1f2a3b4c5d6e";

// A backup view as the API sends it.
nlohmann::json backup_view(const std::string& status, double progress,
                           const nlohmann::json& size = nullptr,
                           const nlohmann::json& errors = nlohmann::json::array()) {
  return {{"id", kBackupId},
          {"name", "nightly"},
          {"description", "before the upgrade"},
          {"instance_id", kInstanceId},
          {"cluster_id", nullptr},
          {"parent_id", nullptr},
          {"locationRef", status == "COMPLETED" ? nlohmann::json("file:///backups/b4c4.xb.zst")
                                                : nlohmann::json()},
          {"size", size},
          {"status", status},
          {"progress", progress},
          {"errors", errors},
          {"datastore", {{"type", "mysql"}, {"version", "10.11"}, {"version_id", "v1"}}},
          {"created", "2024-05-01T10:00:00Z"},
          {"updated", "2024-05-01T10:0" + std::to_string(static_cast<int>(progress * 9)) + ":00Z"},
          {"operation_id", "op7"}};
}

nlohmann::json one_backup(const nlohmann::json& view) { return {{"backup", view}}; }

class CliBackupTest : public testing::CliSessionTest {
 protected:
  std::string backup_path() const { return std::string("/backups/") + kBackupId; }

  void script_create_accepted() {
    http_.on("POST", "/backups", json_response(202, one_backup(backup_view("NEW", 0))));
  }

  nlohmann::json sent(const std::string& method, const std::string& path) const {
    return nlohmann::json::parse(http_.last(method, path).body);
  }
  bool out_has(const std::string& text) const { return out_.str().find(text) != std::string::npos; }
  bool err_has(const std::string& text) const { return err_.str().find(text) != std::string::npos; }
};

TEST_F(CliBackupTest, CreateSendsTrovesBodyAndPrintsTheNewBackup) {
  script_create_accepted();
  EXPECT_EQ(run_cli({"backup", "create", "nightly", "--instance", "db1", "--description",
                     "before the upgrade"}),
            0)
      << err_.str();
  EXPECT_EQ(sent("POST", "/backups"), (nlohmann::json{{"backup",
                                                       {{"name", "nightly"},
                                                        {"instance", "db1"},
                                                        {"description", "before the upgrade"},
                                                        {"incremental", false}}}}));
  EXPECT_EQ(http_.last("POST", "/backups").url, "http://api:8779/v1.0/t1/backups");
  EXPECT_TRUE(out_has("| status            | NEW ")) << out_.str();
  EXPECT_TRUE(out_has("| operation         | op7 ")) << out_.str();
  EXPECT_EQ(http_.count("GET", backup_path()), 0);
}

TEST_F(CliBackupTest, IncrementalLeavesTheParentToTheServerUnlessOneIsGiven) {
  script_create_accepted();
  EXPECT_EQ(run_cli({"backup", "create", "inc1", "--instance", kInstanceId, "--incremental"}), 0);
  nlohmann::json body = sent("POST", "/backups")["backup"];
  EXPECT_EQ(body["incremental"], true);
  EXPECT_FALSE(body.contains("parent_id"));
  EXPECT_FALSE(body.contains("description"));

  EXPECT_EQ(run_cli({"backup", "create", "inc2", "--instance", kInstanceId, "--parent", kParentId}),
            0);
  body = sent("POST", "/backups")["backup"];
  EXPECT_EQ(body["incremental"], true);  // a backup with a parent is incremental
  EXPECT_EQ(body["parent_id"], kParentId);
}

TEST_F(CliBackupTest, CreateWaitShowsProgressUntilCompleted) {
  script_create_accepted();
  http_.on("GET", backup_path(), json_response(200, one_backup(backup_view("NEW", 0))));
  http_.on("GET", backup_path(), json_response(200, one_backup(backup_view("BUILDING", 0.4))));
  http_.on("GET", backup_path(), json_response(200, one_backup(backup_view("COMPLETED", 1, 2.5))));
  EXPECT_EQ(run_cli({"backup", "create", "nightly", "--instance", "db1", "--wait"}), 0)
      << err_.str();
  EXPECT_TRUE(err_has("0%  queued")) << err_.str();
  EXPECT_TRUE(err_has("40%  backing up")) << err_.str();
  EXPECT_TRUE(out_has("| status            | COMPLETED ")) << out_.str();
  EXPECT_TRUE(out_has("| size              | 2.5 GB ")) << out_.str();
  EXPECT_TRUE(out_has("| locationRef       | file:///backups/b4c4.xb.zst ")) << out_.str();
  EXPECT_EQ(http_.count("GET", backup_path()), 3);
}

TEST_F(CliBackupTest, CreateWaitFailedExitsOneWithTheHostErrors) {
  script_create_accepted();
  http_.on("GET", backup_path(),
           json_response(200, one_backup(backup_view(
                                  "FAILED", 0.6, nullptr,
                                  {{{"host", "127.10.0.5"},
                                    {"message", "mariadb-backup exited 1: disk full"}}}))));
  EXPECT_EQ(run_cli({"backup", "create", "nightly", "--instance", "db1", "--wait"}), 1);
  EXPECT_TRUE(err_has(std::string("ERROR: backup ") + kBackupId +
                      " FAILED\n  127.10.0.5: mariadb-backup exited 1: disk full\n"))
      << err_.str();
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CliBackupTest, CreateWaitGivesUpAtTheTimeoutWithExitTwo) {
  script_create_accepted();
  http_.on("GET", backup_path(), json_response(200, one_backup(backup_view("BUILDING", 0.4))));
  EXPECT_EQ(
      run_cli({"--timeout", "3", "backup", "create", "nightly", "--instance", "db1", "--wait"}), 2);
  EXPECT_TRUE(err_has(std::string("gave up after 3s waiting for the completion of backup ") +
                      kBackupId + " (BUILDING, 40%)"))
      << err_.str();
}

TEST_F(CliBackupTest, CreateWaitRetriesWhileTheApiIsUnreachable) {
  script_create_accepted();
  http_.refuse("GET", backup_path());
  http_.on("GET", backup_path(), json_response(200, one_backup(backup_view("COMPLETED", 1, 0.5))));
  EXPECT_EQ(run_cli({"backup", "create", "nightly", "--instance", "db1", "--wait"}), 0)
      << err_.str();
  EXPECT_TRUE(err_has("automat-api unreachable, retrying")) << err_.str();
  EXPECT_TRUE(out_has("| size              | 512.0 MB ")) << out_.str();
}

TEST_F(CliBackupTest, ListShowsSizesAndFiltersByInstanceAndDatastore) {
  nlohmann::json incremental = backup_view("BUILDING", 0.2);
  incremental["id"] = kParentId;
  incremental["parent_id"] = kBackupId;
  http_.on("GET", "/backups",
           json_response(200, {{"backups", {backup_view("COMPLETED", 1, 2.5), incremental}},
                               {"links", nlohmann::json::array()}}));
  EXPECT_EQ(run_cli({"backup", "list"}), 0) << err_.str();
  EXPECT_TRUE(out_has(std::string("| ") + kBackupId + " | nightly | " + kInstanceId +
                      " | mysql     | COMPLETED | 2.5 GB |                                      | "
                      "2024-05-01T10:00:00Z |"))
      << out_.str();
  EXPECT_TRUE(out_has(std::string("| BUILDING  |        | ") + kBackupId)) << out_.str();

  http_.on("GET", "/instances",
           json_response(200, {{"instances", {{{"id", kInstanceId}, {"name", "db1"}}}}}));
  http_.on("GET", std::string("/backups?instance_id=") + kInstanceId + "&datastore=mysql",
           json_response(200, {{"backups", {backup_view("COMPLETED", 1, 2.5)}}}));
  out_.str("");
  EXPECT_EQ(run_cli({"-f", "json", "backup", "list", "--instance", "db1", "--datastore", "mysql"}),
            0)
      << err_.str();
  nlohmann::json printed = nlohmann::json::parse(out_.str());
  ASSERT_TRUE(printed.is_array());
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_EQ(printed[0]["size"], 2.5);
}

TEST_F(CliBackupTest, ShowPrintsTheErrorsAndA404IsExplained) {
  http_.on("GET", backup_path(),
           json_response(
               200, one_backup(backup_view("FAILED", 0.6, nullptr,
                                           {{{"host", "127.10.0.5"}, {"message", "disk full"}}}))));
  EXPECT_EQ(run_cli({"backup", "show", kBackupId}), 0) << err_.str();
  EXPECT_TRUE(out_has("| errors            | 127.10.0.5: disk full ")) << out_.str();
  EXPECT_TRUE(out_has("| progress          | 60% ")) << out_.str();
  EXPECT_TRUE(out_has("| datastore_version | 10.11 ")) << out_.str();

  http_.on("GET", "/backups/nope",
           json_response(404, {{"itemNotFound",
                                {{"code", 404}, {"message", "Backup nope could not be found."}}}}));
  EXPECT_EQ(run_cli({"backup", "show", "nope"}), 1);
  EXPECT_EQ(err_.str(), "ERROR (404): Backup nope could not be found.\n");
}

TEST_F(CliBackupTest, DeleteRefusedWhileIncrementalsDependOnIt) {
  const std::string message = std::string("backup ") + kBackupId +
                              " has incremental backups that depend on it: " + kParentId;
  http_.on("DELETE", backup_path(),
           json_response(409, {{"conflictingRequest", {{"code", 409}, {"message", message}}}}));
  EXPECT_EQ(run_cli({"backup", "delete", kBackupId}), 1);
  EXPECT_EQ(err_.str(), "ERROR (409): " + message + "\n");
}

TEST_F(CliBackupTest, DeleteWithoutWait) {
  http_.on("DELETE", backup_path(), json_response(202, nullptr));
  EXPECT_EQ(run_cli({"backup", "delete", kBackupId}), 0) << err_.str();
  EXPECT_EQ(out_.str(), std::string("Request to delete backup ") + kBackupId + " was accepted.\n");
  EXPECT_EQ(http_.count("GET", backup_path()), 0);
}

TEST_F(CliBackupTest, DeleteWaitEndsWhenTheBackupAnswers404) {
  http_.on("GET", backup_path(), json_response(200, one_backup(backup_view("COMPLETED", 1, 2.5))));
  http_.on("GET", backup_path(), json_response(200, one_backup(backup_view("COMPLETED", 1, 2.5))));
  http_.on("GET", backup_path(),
           json_response(404, {{"itemNotFound", {{"code", 404}, {"message", "gone"}}}}));
  http_.on("DELETE", backup_path(), json_response(202, nullptr));
  EXPECT_EQ(run_cli({"backup", "delete", kBackupId, "--wait"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), std::string("Backup ") + kBackupId + " deleted.\n");
  EXPECT_EQ(http_.count("GET", backup_path()), 3);
}

TEST_F(CliBackupTest, DeleteWaitFailsOnANewDeleteFailedButNotOnAnOldOne) {
  nlohmann::json old_failure = backup_view("DELETE_FAILED", 1, 2.5);
  old_failure["updated"] = "2024-05-01T09:00:00Z";
  nlohmann::json new_failure = old_failure;
  new_failure["updated"] = "2024-05-01T11:00:00Z";
  new_failure["errors"] = {{{"host", ""}, {"message", "the object store refused the delete"}}};
  http_.on("GET", backup_path(), json_response(200, one_backup(old_failure)));  // before
  http_.on("GET", backup_path(), json_response(200, one_backup(old_failure)));  // not taken up yet
  http_.on("GET", backup_path(), json_response(200, one_backup(new_failure)));
  http_.on("DELETE", backup_path(), json_response(202, nullptr));
  EXPECT_EQ(run_cli({"backup", "delete", kBackupId, "--wait"}), 1);
  EXPECT_EQ(http_.count("GET", backup_path()), 3);
  EXPECT_TRUE(err_has(std::string("ERROR: backup ") + kBackupId +
                      " DELETE_FAILED\n  the object store refused the delete\n"))
      << err_.str();
}

TEST_F(CliBackupTest, InstanceCreateFromABackupSendsTheRestorePoint) {
  http_.on("GET", "/flavors",
           json_response(200, {{"flavors", {{{"id", "2"}, {"name", "small"}}}}}));
  http_.on("POST", "/instances",
           json_response(202, {{"instance", {{"id", kInstanceId}, {"status", "BUILD"}}}},
                         {{"x-operation-id", "op1"}}));
  EXPECT_EQ(run_cli({"instance", "create", "db2", "--flavor", "small", "--size", "2", "--backup",
                     kBackupId}),
            0)
      << err_.str();
  nlohmann::json instance = sent("POST", "/instances")["instance"];
  EXPECT_EQ(instance["restorePoint"], (nlohmann::json{{"backupRef", kBackupId}}));
  EXPECT_EQ(instance["flavorRef"], "2");

  EXPECT_EQ(run_cli({"instance", "create", "db3", "--flavor", "small", "--size", "2"}), 0);
  EXPECT_FALSE(sent("POST", "/instances")["instance"].contains("restorePoint"));
}

TEST_F(CliBackupTest, UsageErrorsSendNothing) {
  EXPECT_EQ(run_cli({"backup", "create", "nightly"}), kExitUsage);  // no --instance
  EXPECT_EQ(run_cli({"backup"}), kExitUsage);
  EXPECT_EQ(run_cli({"instance", "create", "r1", "--replica-of", "db1", "--backup", kBackupId}),
            kExitUsage);
  EXPECT_TRUE(err_has("--backup: cannot be given with --replica-of")) << err_.str();
  EXPECT_TRUE(http_.requests.empty());
}

// A backup schedule view as the API sends it.
nlohmann::json schedule_view(nlohmann::json rule) {
  nlohmann::json view = {
      {"instance_id", kInstanceId},         {"retention", 7},
      {"next_run", "2024-05-01T06:00:00Z"}, {"last_run", nullptr},
      {"last_backup_id", nullptr},          {"last_error", "instance was RESIZE"}};
  view.update(rule);
  return {{"backup_schedule", view}};
}

TEST_F(CliBackupTest, ScheduleSetSendsTheRuleAndRetentionAndPrintsTheSchedule) {
  const std::string path = std::string("/instances/") + kInstanceId + "/backup_schedule";
  http_.on("GET", "/instances",
           json_response(200, {{"instances", {{{"id", kInstanceId}, {"name", "db1"}}}}}));
  http_.on("PUT", path, json_response(200, schedule_view({{"interval", "6h"}})));
  http_.on("PUT", path, json_response(200, schedule_view({{"daily_at", "02:30"}})));
  EXPECT_EQ(run_cli({"backup", "schedule", "set", "db1", "--interval", "6h", "--retention", "7"}),
            0)
      << err_.str();
  EXPECT_EQ(sent("PUT", path),
            (nlohmann::json{{"backup_schedule", {{"interval", "6h"}, {"retention", 7}}}}));
  EXPECT_TRUE(out_has("| interval       | 6h ")) << out_.str();
  EXPECT_TRUE(out_has("| next_run       | 2024-05-01T06:00:00Z ")) << out_.str();

  out_.str("");
  EXPECT_EQ(run_cli({"backup", "schedule", "set", kInstanceId, "--daily-at", "02:30", "--retention",
                     "3"}),
            0)
      << err_.str();
  EXPECT_EQ(sent("PUT", path),
            (nlohmann::json{{"backup_schedule", {{"daily_at", "02:30"}, {"retention", 3}}}}));
  EXPECT_TRUE(out_has("| daily_at       | 02:30 UTC ")) << out_.str();
}

TEST_F(CliBackupTest, ScheduleShowAndClear) {
  const std::string path = std::string("/instances/") + kInstanceId + "/backup_schedule";
  http_.on("GET", path, json_response(200, schedule_view({{"interval", "1d"}})));
  http_.on(
      "GET", path,
      json_response(404, {{"itemNotFound",
                           {{"code", 404}, {"message", "instance x has no backup schedule"}}}}));
  EXPECT_EQ(run_cli({"backup", "schedule", "show", kInstanceId}), 0) << err_.str();
  EXPECT_TRUE(out_has("| last_error     | instance was RESIZE ")) << out_.str();
  EXPECT_TRUE(out_has("| retention      | 7 ")) << out_.str();

  http_.on("DELETE", path, json_response(204, nullptr));
  out_.str("");
  EXPECT_EQ(run_cli({"backup", "schedule", "clear", kInstanceId}), 0) << err_.str();
  EXPECT_EQ(out_.str(), std::string("Backup schedule of instance ") + kInstanceId + " cleared.\n");
  EXPECT_EQ(http_.count("DELETE", path), 1);

  EXPECT_EQ(run_cli({"backup", "schedule", "show", kInstanceId}), 1);
  EXPECT_TRUE(err_has("ERROR (404): instance x has no backup schedule")) << err_.str();
}

TEST_F(CliBackupTest, ScheduleSetNeedsOneRuleAndARetention) {
  EXPECT_EQ(run_cli({"backup", "schedule", "set", kInstanceId, "--retention", "7"}), kExitUsage);
  EXPECT_TRUE(err_has("--interval")) << err_.str();
  EXPECT_EQ(run_cli({"backup", "schedule", "set", kInstanceId, "--interval", "6h", "--daily-at",
                     "02:30", "--retention", "7"}),
            kExitUsage);
  EXPECT_EQ(run_cli({"backup", "schedule", "set", kInstanceId, "--interval", "6h"}), kExitUsage);
  EXPECT_EQ(
      run_cli({"backup", "schedule", "set", kInstanceId, "--interval", "6h", "--retention", "0"}),
      kExitUsage);
  EXPECT_EQ(run_cli({"backup", "schedule"}), kExitUsage);
  EXPECT_TRUE(http_.requests.empty());
}

constexpr const char* kClusterId = "c1c1c1c1-1111-4222-8333-444455556666";

// A cluster's schedule view as the API sends it.
nlohmann::json cluster_schedule_view() {
  return {{"backup_schedule",
           {{"cluster_id", kClusterId},
            {"interval", "12h"},
            {"retention", 4},
            {"next_run", "2024-05-01T12:00:00Z"},
            {"last_run", nullptr},
            {"last_backup_id", nullptr},
            {"last_error", "cluster ring was GROWING"}}}};
}

TEST_F(CliBackupTest, ScheduleWithClusterSetsShowsAndClearsTheClustersSchedule) {
  const std::string path = std::string("/clusters/") + kClusterId + "/backup_schedule";
  http_.on("GET", "/clusters",
           json_response(200, {{"clusters", {{{"id", kClusterId}, {"name", "ring"}}}}}));
  http_.on("PUT", path, json_response(200, cluster_schedule_view()));
  EXPECT_EQ(run_cli({"backup", "schedule", "set", "--cluster", "ring", "--interval", "12h",
                     "--retention", "4"}),
            0)
      << err_.str();
  EXPECT_EQ(http_.count("GET", "/clusters"), 1) << "the name is looked up";
  EXPECT_EQ(sent("PUT", path),
            (nlohmann::json{{"backup_schedule", {{"interval", "12h"}, {"retention", 4}}}}));
  EXPECT_TRUE(out_has(std::string("| cluster_id     | ") + kClusterId)) << out_.str();
  EXPECT_FALSE(out_has("instance_id")) << out_.str();
  EXPECT_TRUE(out_has("| interval       | 12h ")) << out_.str();

  http_.on("GET", path, json_response(200, cluster_schedule_view()));
  out_.str("");
  EXPECT_EQ(run_cli({"backup", "schedule", "show", "--cluster", kClusterId}), 0) << err_.str();
  EXPECT_TRUE(out_has("| last_error     | cluster ring was GROWING ")) << out_.str();

  http_.on("DELETE", path, json_response(204, nullptr));
  out_.str("");
  EXPECT_EQ(run_cli({"backup", "schedule", "clear", "--cluster", kClusterId}), 0) << err_.str();
  EXPECT_EQ(out_.str(), std::string("Backup schedule of cluster ") + kClusterId + " cleared.\n");
  EXPECT_EQ(http_.count("DELETE", path), 1);
  EXPECT_EQ(http_.count("GET", "/clusters"), 1) << "a UUID is not looked up";
}

TEST_F(CliBackupTest, ScheduleNamesAnInstanceOrAClusterNotBoth) {
  EXPECT_EQ(run_cli({"backup", "schedule", "show"}), kExitUsage);
  EXPECT_EQ(run_cli({"backup", "schedule", "show", kInstanceId, "--cluster", kClusterId}),
            kExitUsage);
  EXPECT_EQ(run_cli({"backup", "schedule", "clear"}), kExitUsage);
  EXPECT_EQ(run_cli({"backup", "schedule", "set", "--interval", "6h", "--retention", "7"}),
            kExitUsage);
  EXPECT_EQ(run_cli({"backup", "schedule", "set", kInstanceId, "--cluster", kClusterId,
                     "--interval", "6h", "--retention", "7"}),
            kExitUsage);
  EXPECT_TRUE(http_.requests.empty());
}

TEST(BackupSizeText, IsHumanReadableAndEmptyUntilKnown) {
  EXPECT_EQ(backup_size_text(nullptr), "");
  EXPECT_EQ(backup_size_text("2"), "");
  EXPECT_EQ(backup_size_text(2.5), "2.5 GB");
  EXPECT_EQ(backup_size_text(0.5), "512.0 MB");
  EXPECT_EQ(backup_size_text(1536), "1.5 TB");
  EXPECT_EQ(backup_size_text(1.0 / (1024 * 1024)), "1.0 KB");
  EXPECT_EQ(backup_size_text(0), "0.0 KB");
}

}  // namespace
}  // namespace automat::cli
