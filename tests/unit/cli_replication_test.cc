// automat instance create --replica-of, detach, promote, eject and the
// replication rows of instance show, as whole command lines against a
// scripted HttpClient.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/cli_session_fixture.h"

namespace automat::cli {
namespace {

using testing::json_response;

constexpr const char* kMaster = "6f0c3a52-1d2e-4b7a-8c9d-0e1f2a3b4c5d";
constexpr const char* kR1 = "a1111111-1111-4111-8111-111111111111";
constexpr const char* kR2 = "a2222222-2222-4222-8222-222222222222";
constexpr const char* kR3 = "a3333333-3333-4333-8333-333333333333";

std::string path_of(const std::string& id) { return "/instances/" + id; }

nlohmann::json view(const std::string& id, const std::string& name, const std::string& status) {
  return {{"id", id},
          {"name", name},
          {"status", status},
          {"task", status == "ACTIVE" ? "NONE" : "BUILDING"},
          {"flavor", {{"id", "2"}}},
          {"datastore", {{"type", "mysql"}, {"version", "10.11"}}},
          {"volume", {{"size", 1}}}};
}

nlohmann::json replica_view(const std::string& id, const std::string& name,
                            const std::string& status, const std::string& master = kMaster) {
  nlohmann::json v = view(id, name, status);
  v["replica_of"] = {{"id", master}, {"links", nlohmann::json::array()}};
  return v;
}

nlohmann::json master_view(const std::vector<std::string>& replicas) {
  nlohmann::json v = view(kMaster, "db1", "ACTIVE");
  v["replicas"] = nlohmann::json::array();
  for (const auto& id : replicas) v["replicas"].push_back({{"id", id}, {"links", {}}});
  return v;
}

nlohmann::json op(const std::string& id, const std::string& state, double progress,
                  const std::string& message, const std::string& type = "instance.create") {
  nlohmann::json errors = nlohmann::json::array();
  if (state == "FAILED") errors.push_back({{"host", "127.10.0.7"}, {"message", message}});
  return {{"operation",
           {{"id", id},
            {"type", type},
            {"state", state},
            {"progress", progress},
            {"message", message},
            {"errors", errors}}}};
}

class CliReplicationTest : public testing::CliSessionTest {
 protected:
  // GET /instances lists the master "db1" and its replicas.
  void script_list() {
    http_.on("GET", "/instances",
             json_response(
                 200, {{"instances", {master_view({kR1}), replica_view(kR1, "ro", "ACTIVE")}}}));
  }

  // POST /instances answers like the API for `names.size()` replicas,
  // operations opA, opB, ... in the same order.
  void script_replicas_accepted(const std::vector<std::string>& ids,
                                const std::vector<std::string>& names) {
    nlohmann::json instances = nlohmann::json::array();
    nlohmann::json operations = nlohmann::json::array();
    for (size_t i = 0; i < ids.size(); ++i) {
      instances.push_back(replica_view(ids[i], names[i], "BUILD"));
      operations.push_back({{"id", std::string("op") + char('A' + i)}, {"state", "SUBMITTED"}});
    }
    http_.on("POST", "/instances",
             json_response(202,
                           {{"instance", instances[0]},
                            {"instances", instances},
                            {"operation", operations[0]},
                            {"operations", operations}},
                           {{"x-operation-id", "opA"}}));
  }

  nlohmann::json sent(const std::string& method, const std::string& path) const {
    return nlohmann::json::parse(http_.last(method, path).body);
  }
};

TEST_F(CliReplicationTest, ReplicaOfANameSendsOnlyTheReplicaFields) {
  script_list();
  script_replicas_accepted({kR2}, {"ro2"});
  EXPECT_EQ(run_cli({"instance", "create", "ro2", "--replica-of", "db1"}), 0) << err_.str();
  EXPECT_EQ(sent("POST", "/instances"),
            (nlohmann::json{{"instance", {{"name", "ro2"}, {"replica_of", kMaster}}}}));
  EXPECT_EQ(http_.count("GET", "/flavors"), 0);  // no flavor to resolve
  EXPECT_NE(out_.str().find(std::string("| replica_of        | ") + kMaster), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("| operation         | opA "), std::string::npos) << out_.str();
  EXPECT_EQ(http_.count("GET", "/operations/opA"), 0);
}

TEST_F(CliReplicationTest, CountAndAGivenDatastoreAreSentAndEachReplicaListed) {
  script_replicas_accepted({kR1, kR2}, {"ro", "ro-2"});
  EXPECT_EQ(run_cli({"instance", "create", "ro", "--replica-of", kMaster, "--replica-count", "2",
                     "--datastore", "mysql", "--datastore-version", "10.11"}),
            0)
      << err_.str();
  nlohmann::json instance = sent("POST", "/instances")["instance"];
  EXPECT_EQ(instance["replica_count"], 2);
  EXPECT_EQ(instance["datastore"], (nlohmann::json{{"type", "mysql"}, {"version", "10.11"}}));
  EXPECT_EQ(instance["replica_of"], kMaster);
  EXPECT_EQ(http_.count("GET", "/instances"), 0);  // a UUID is not looked up
  EXPECT_NE(out_.str().find(std::string("| ") + kR1 + " | ro   | BUILD  | " + kMaster + " | opA "),
            std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find(std::string("| ") + kR2 + " | ro-2 | BUILD  | " + kMaster + " | opB "),
            std::string::npos)
      << out_.str();
}

TEST_F(CliReplicationTest, JsonWithoutWaitIsTheServersAnswer) {
  script_replicas_accepted({kR1, kR2}, {"ro", "ro-2"});
  EXPECT_EQ(run_cli({"-f", "json", "instance", "create", "ro", "--replica-of", kMaster,
                     "--replica-count", "2"}),
            0);
  nlohmann::json printed = nlohmann::json::parse(out_.str());
  EXPECT_EQ(printed["operations"][1]["id"], "opB");
  EXPECT_EQ(printed["instances"][1]["replica_of"]["id"], kMaster);
}

TEST_F(CliReplicationTest, MixingReplicaAndScratchOptionsIsAUsageError) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"--replica-of", "db1", "--database", "shop"},
       "--database: cannot be given with --replica-of: a replica copies its master's databases"},
      {{"--replica-of", "db1", "--user", "app:s3cretpass"},
       "--user: cannot be given with --replica-of: a replica copies its master's databases"},
      {{"--replica-of", "db1", "--flavor", "2"},
       "--flavor: cannot be given with --replica-of: a replica gets its master's flavor"},
      {{"--replica-of", "db1", "--size", "5"}, "--size: cannot be given with --replica-of"},
      {{"--replica-of", "db1", "--replica-count", "0"}, "--replica-count: must be 1 or more"},
      {{"--flavor", "2", "--size", "1", "--replica-count", "2"},
       "--replica-count: applies to replicas only; add --replica-of"},
      {{"--flavor", "2"}, "--size is required (unless --replica-of is given)"},
      {{"--replica-of", ""}, "--replica-of: needs the master's ID or name"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"instance", "create", "ro"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    err_.str("");
    EXPECT_EQ(run_cli(args), kExitUsage) << c.message;
    EXPECT_NE(err_.str().find(c.message), std::string::npos) << err_.str();
    EXPECT_EQ(err_.str().find("s3cretpass"), std::string::npos);
  }
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(CliReplicationTest, WaitFollowsEveryReplicasOperation) {
  script_replicas_accepted({kR1, kR2, kR3}, {"ro", "ro-2", "ro-3"});
  http_.on("GET", "/operations/opA", json_response(200, op("opA", "RUNNING", 0.3, "seeding")));
  http_.on("GET", "/operations/opA", json_response(200, op("opA", "COMPLETED", 1, "caught up")));
  http_.on("GET", "/operations/opB", json_response(200, op("opB", "COMPLETED", 1, "caught up")));
  http_.on("GET", "/operations/opC", json_response(200, op("opC", "RUNNING", 0.6, "restoring")));
  http_.on("GET", "/operations/opC", json_response(200, op("opC", "RUNNING", 0.8, "catching up")));
  http_.on("GET", "/operations/opC", json_response(200, op("opC", "COMPLETED", 1, "caught up")));
  for (auto [id, name] : {std::pair{kR1, "ro"}, {kR2, "ro-2"}, {kR3, "ro-3"}}) {
    http_.on("GET", path_of(id),
             json_response(200, {{"instance", replica_view(id, name, "ACTIVE")}}));
  }

  EXPECT_EQ(run_cli({"instance", "create", "ro", "--replica-of", kMaster, "--replica-count", "3",
                     "--wait"}),
            0)
      << err_.str();
  EXPECT_EQ(http_.count("GET", "/operations/opA"), 2);
  EXPECT_EQ(http_.count("GET", "/operations/opB"), 1);
  EXPECT_EQ(http_.count("GET", "/operations/opC"), 3);
  for (const char* line : {"30%  ro: seeding", "100%  ro: caught up", "100%  ro-2: caught up",
                           "60%  ro-3: restoring", "80%  ro-3: catching up"}) {
    EXPECT_NE(err_.str().find(line), std::string::npos) << line << "\n" << err_.str();
  }
  for (const char* id : {kR1, kR2, kR3}) {
    EXPECT_EQ(http_.count("GET", path_of(id)), 1);
    EXPECT_NE(out_.str().find(std::string("| ") + id + " | ro"), std::string::npos) << out_.str();
  }
}

TEST_F(CliReplicationTest, OneFailedReplicaExitsOneAfterWaitingForTheOthers) {
  script_replicas_accepted({kR1, kR2, kR3}, {"ro", "ro-2", "ro-3"});
  http_.on("GET", "/operations/opA", json_response(200, op("opA", "COMPLETED", 1, "caught up")));
  http_.on("GET", "/operations/opB",
           json_response(200, op("opB", "FAILED", 0.5, "the backup did not restore")));
  http_.on("GET", "/operations/opC", json_response(200, op("opC", "RUNNING", 0.6, "restoring")));
  EXPECT_EQ(run_cli({"--timeout", "2", "instance", "create", "ro", "--replica-of", kMaster,
                     "--replica-count", "3", "--wait"}),
            1);  // a failure outranks the timeout of ro-3
  EXPECT_NE(err_.str().find("ERROR: ro-2: operation opB (instance.create) FAILED: the backup did "
                            "not restore\n  127.10.0.7: the backup did not restore\n"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("ERROR: ro-3: gave up after 2s waiting for operation opC (RUNNING, "
                            "60%)"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(err_.str().find("ERROR: ro:"), std::string::npos) << err_.str();
  EXPECT_EQ(out_.str(), "");  // nothing to show when not all were built
}

TEST_F(CliReplicationTest, AReplicaStillBuildingAtTheDeadlineExitsTwo) {
  script_replicas_accepted({kR1, kR2}, {"ro", "ro-2"});
  http_.on("GET", "/operations/opA", json_response(200, op("opA", "COMPLETED", 1, "caught up")));
  http_.on("GET", "/operations/opB", json_response(200, op("opB", "RUNNING", 0.4, "seeding")));
  EXPECT_EQ(run_cli({"--timeout", "3", "instance", "create", "ro", "--replica-of", kMaster,
                     "--replica-count", "2", "--wait"}),
            2);
  EXPECT_NE(err_.str().find("ERROR: ro-2: gave up after 3s waiting for operation opB (RUNNING, "
                            "40%); it goes on on the server: automat operation show opB"),
            std::string::npos)
      << err_.str();
  EXPECT_GE(http_.count("GET", "/operations/opB"), 2);
}

TEST_F(CliReplicationTest, OneReplicaWaitShowsItLikeCreateDoes) {
  script_replicas_accepted({kR1}, {"ro"});
  http_.on("GET", "/operations/opA", json_response(200, op("opA", "COMPLETED", 1, "caught up")));
  http_.on("GET", path_of(kR1),
           json_response(200, {{"instance", replica_view(kR1, "ro", "ACTIVE")}}));
  EXPECT_EQ(run_cli({"-f", "json", "instance", "create", "ro", "--replica-of", kMaster, "--wait"}),
            0)
      << err_.str();
  nlohmann::json shown = nlohmann::json::parse(out_.str());
  EXPECT_EQ(shown["status"], "ACTIVE");
  EXPECT_EQ(shown["replica_of"]["id"], kMaster);
  EXPECT_NE(err_.str().find("100%  caught up"), std::string::npos) << err_.str();  // no label
}

TEST_F(CliReplicationTest, ActionsPostTheirBodyToTheActionPath) {
  struct Case {
    std::string command;
    nlohmann::json body;
  };
  script_list();
  std::string action = path_of(kR1) + "/action";
  for (const auto& c :
       std::vector<Case>{{"detach", {{"detach", nlohmann::json::object()}}},
                         {"promote", {{"promote_to_replica_source", nlohmann::json::object()}}},
                         {"eject", {{"eject_replica_source", nlohmann::json::object()}}}}) {
    http_.on("POST", action,
             json_response(202, {{"operation", {{"id", "op7"}}}}, {{"x-operation-id", "op7"}}));
    out_.str("");
    EXPECT_EQ(run_cli({"instance", c.command, "ro"}), 0) << err_.str();  // "ro" resolved
    EXPECT_EQ(sent("POST", action), c.body);
    EXPECT_EQ(out_.str(),
              "Request to " + c.command + " instance " + kR1 + " was accepted (operation op7).\n");
  }
  EXPECT_EQ(http_.count("GET", "/operations/op7"), 0);
}

TEST_F(CliReplicationTest, DetachWaitShowsTheIndependentInstance) {
  std::string action = path_of(kR1) + "/action";
  http_.on("POST", action,
           json_response(202, {{"operation", {{"id", "op8"}}}}, {{"x-operation-id", "op8"}}));
  http_.on(
      "GET", "/operations/op8",
      json_response(200, op("op8", "RUNNING", 0.5, "stopping replication", "instance.detach")));
  http_.on("GET", "/operations/op8",
           json_response(200, op("op8", "COMPLETED", 1, "detached", "instance.detach")));
  http_.on("GET", path_of(kR1), json_response(200, {{"instance", view(kR1, "ro", "ACTIVE")}}));
  EXPECT_EQ(run_cli({"instance", "detach", kR1, "--wait"}), 0) << err_.str();
  EXPECT_NE(err_.str().find("50%  stopping replication"), std::string::npos) << err_.str();
  EXPECT_NE(out_.str().find(std::string("| id                | ") + kR1), std::string::npos);
  EXPECT_EQ(out_.str().find("replica_of"), std::string::npos) << out_.str();
}

TEST_F(CliReplicationTest, PromoteWaitFailedExitsOneWithTheReason) {
  std::string action = path_of(kR1) + "/action";
  http_.on("POST", action,
           json_response(202, {{"operation", {{"id", "op9"}}}}, {{"x-operation-id", "op9"}}));
  http_.on("GET", "/operations/op9",
           json_response(200, op("op9", "FAILED", 0.3, "the candidate did not catch up",
                                 "instance.promote")));
  EXPECT_EQ(run_cli({"instance", "promote", kR1, "--wait"}), 1);
  EXPECT_NE(err_.str().find("ERROR: operation op9 (instance.promote) FAILED: the candidate did "
                            "not catch up"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(http_.count("GET", path_of(kR1)), 0);
}

TEST_F(CliReplicationTest, EjectWaitShowsTheReplicaThatBecameTheMaster) {
  std::string action = path_of(kMaster) + "/action";
  http_.on("GET", path_of(kMaster), json_response(200, {{"instance", master_view({kR1, kR2})}}));
  http_.on("POST", action,
           json_response(202, {{"operation", {{"id", "opE"}}}}, {{"x-operation-id", "opE"}}));
  http_.on("GET", "/operations/opE",
           json_response(200, op("opE", "COMPLETED", 1, "done", "instance.eject")));
  // kR2 was the most advanced: kR1 now follows it, kR2 follows nobody.
  http_.on("GET", path_of(kR1),
           json_response(200, {{"instance", replica_view(kR1, "ro", "ACTIVE", kR2)}}));
  nlohmann::json new_master = view(kR2, "ro-2", "ACTIVE");
  new_master["replicas"] = {{{"id", kR1}}};
  http_.on("GET", path_of(kR2), json_response(200, {{"instance", new_master}}));

  EXPECT_EQ(run_cli({"-f", "json", "instance", "eject", kMaster, "--wait"}), 0) << err_.str();
  EXPECT_NE(err_.str().find(std::string("Instance ") + kR2 + " is the new replica source."),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(nlohmann::json::parse(out_.str())["id"], kR2);
}

TEST_F(CliReplicationTest, TheServersRefusalIsShown) {
  std::string action = path_of(kMaster) + "/action";
  http_.on("POST", action,
           json_response(400, {{"badRequest",
                                {{"code", 400},
                                 {"message", std::string("instance ") + kMaster +
                                                 " is not a replica; only a replica can be "
                                                 "promoted"}}}}));
  EXPECT_EQ(run_cli({"instance", "promote", kMaster, "--wait"}), 1);
  EXPECT_EQ(err_.str(), std::string("ERROR (400): instance ") + kMaster +
                            " is not a replica; only a replica can be promoted\n");
  EXPECT_EQ(run_cli({"instance", "detach"}), kExitUsage);  // no instance given
}

TEST_F(CliReplicationTest, ShowHasTheReplicationRowsAndJson) {
  http_.on("GET", path_of(kMaster), json_response(200, {{"instance", master_view({kR1, kR2})}}));
  http_.on("GET", path_of(kR1),
           json_response(200, {{"instance", replica_view(kR1, "ro", "ACTIVE")}}));
  EXPECT_EQ(run_cli({"instance", "show", kMaster}), 0);
  EXPECT_NE(out_.str().find(std::string("| replicas          | ") + kR1 +
                            " |\n|                   | " + kR2 + " |"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(out_.str().find("replica_of"), std::string::npos);
  out_.str("");
  EXPECT_EQ(run_cli({"instance", "show", kR1}), 0);
  EXPECT_NE(out_.str().find(std::string("| replica_of        | ") + kMaster + " |"),
            std::string::npos)
      << out_.str();
  out_.str("");
  EXPECT_EQ(run_cli({"-f", "json", "instance", "show", kMaster}), 0);
  EXPECT_EQ(nlohmann::json::parse(out_.str())["replicas"][1]["id"], kR2);
}

}  // namespace
}  // namespace automat::cli
