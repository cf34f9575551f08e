// Restoring a Cassandra cluster backup (workflow_cassandra_restore.cc),
// driven by the real OperationRunner against fake compute, guests and
// repositories and a real `file` backup storage in a temporary directory:
// the schema of a restoring cluster.create and the truncate of a
// cluster.restore are guest jobs of one node, started under their keys,
// looked at while they run, and never started twice.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include "common/crypto.h"
#include "common/status.h"
#include "storage/storage_settings.h"
#include "taskmanager/guest_job.h"
#include "tests/fakes/fake_backup_repository.h"
#include "tests/unit/cassandra_ring_world.h"

namespace automat::testing {
namespace {

using Outcome = taskmanager::OperationRunner::Outcome;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kBackup = "bk-1";

std::string manifest_key(const std::string& source) {
  return std::string("backups/") + kBackup + "/nodes/" + source + "/manifest.json";
}

class CassandraRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("automat-cass-restore-" + common::crypto::uuid4());
    settings_.driver = storage::BackupStorageSettings::Driver::kFile;
    settings_.path = dir_.string();
    w.world.services.backups = &backups_;
    w.world.services.backup_storage = &settings_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A COMPLETED backup of nodes `sources`, each manifest holding two tokens
  // and the schema of keyspaces shop and logs.
  void store_backup(const std::vector<std::string>& sources) {
    auto storage = storage::make_backup_storage(settings_);
    json nodes = json::array();
    int64_t token = -1000;
    for (const auto& s : sources) {
      const json manifest = {
          {"backup_id", kBackup},
          {"instance_id", s},
          {"tokens", {std::to_string(token), std::to_string(token + 1)}},
          {"schema",
           {{{"keyspace", "shop"},
             {"statements",
              {"CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy'}",
               "CREATE TABLE shop.items (id int PRIMARY KEY)"}}},
            {{"keyspace", "logs"}, {"statements", {"CREATE KEYSPACE logs WITH x"}}}}}};
      token += 500;
      std::istringstream in(manifest.dump());
      storage->put(manifest_key(s), in);
      nodes.push_back({{"instance_id", s}, {"manifest_key", manifest_key(s)}, {"tokens", 2}});
    }
    db::Backup b;
    b.id = kBackup;
    b.tenant_id = w.world.tenant_id;
    b.status = db::backup_status::kCompleted;
    b.location = std::string("backups/") + kBackup + "/";
    b.facts = {{"nodes", nodes}, {"tag", "t1"}};
    std::lock_guard<std::mutex> l(backups_.mu);
    backups_.backups[b.id] = b;
  }

  // A cluster.create of n1 (rack r1) and n2 (r2) restoring keyspace shop
  // of the backup of s1 and s2.
  db::Operation create_restoring() {
    store_backup({"s1", "s2"});
    db::Cluster c;
    c.id = w.cluster_id;
    c.tenant_id = w.world.tenant_id;
    c.name = "ring";
    c.datastore_version_id = w.world.version_id;
    c.nodes = {w.node("n1", "r1", true, 1), w.node("n2", "r2", true, 2)};
    for (const auto& n : c.nodes) script_restore(n.instance_id);
    db::Operation op =
        w.new_op("cluster.create", {{"instance_ids", {"n1", "n2"}},
                                    {"restore_backup_id", kBackup},
                                    {"restore_keyspaces", {"shop"}},
                                    {"restore_sources", {{"n1", "s1"}, {"n2", "s2"}}}});
    w.clusters.create_with_operation(c, op);
    return op;
  }

  // An ACTIVE n1 (r1), n2 (r2), n3 (r1) and a cluster.restore of its own
  // backup's table shop.items.
  db::Operation restore_in_place() {
    const auto create = w.create_cluster(
        {w.node("n1", "r1", true, 1), w.node("n2", "r2", true, 2), w.node("n3", "r1", false, 3)});
    EXPECT_EQ(w.run(create.id), Outcome::kCompleted) << w.world.op(create.id).message;
    store_backup({"n1", "n2", "n3"});
    for (const std::string id : {"n1", "n2", "n3"}) script_restore(id);
    return w.start(
        "cluster.restore", common::cluster_task::kRestoring,
        {{"backup_id", kBackup}, {"tables", {"shop.items"}}, {"instance_ids", {"n1", "n2", "n3"}}});
  }

  // The guest of `id` runs the restore's jobs, each SUCCEEDED at once.
  void script_restore(const std::string& id) {
    w.script_guest(id);
    auto ok = [](FakeGuest&, const json&) { return json::object(); };
    FakeGuest& g = w.world.guests.guest(id);
    g.actions["apply_schema"] = ok;
    g.actions["restore_snapshot"] = ok;
    g.actions["truncate_tables"] = ok;
  }

  // The job under `key` on `id`'s guest, ended as `state` with `message`.
  void end_job(const std::string& id, const std::string& key, proto::JobReply::State state,
               const std::string& message = "") {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    auto& job = w.world.guests.guest(id).jobs.at(key);
    job.set_state(state);
    job.set_message(message);
  }
  bool has_job(const std::string& id, const std::string& key) {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    return w.world.guests.guest(id).jobs.count(key) > 0;
  }
  // Node `id`'s `action` job under `key` runs until the step first pauses
  // after it started, when the guest reports it LOST (restarted); a job
  // under any other key answers at once.
  void lose_once(const std::string& id, const std::string& action, const std::string& key) {
    w.world.guests.guest(id).actions[action] = [key](FakeGuest&, const json& req) {
      return req.at("key") == key ? json{{"state", "RUNNING"}} : json::object();
    };
    auto lost = std::make_shared<bool>(false);
    w.timing.on_pause = [this, id, key, lost](std::chrono::milliseconds) {
      if (!*lost && has_job(id, key)) {
        end_job(id, key, proto::JobReply::LOST);
        *lost = true;
      }
    };
  }
  bool running(const std::string& id, const std::string& key) {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    const auto& jobs = w.world.guests.guest(id).jobs;
    const auto it = jobs.find(key);
    return it != jobs.end() && it->second.state() == proto::JobReply::RUNNING;
  }
  // The restore_snapshot jobs `id` was asked for in `mode`.
  size_t restore_acts(const std::string& id, const std::string& mode) {
    size_t n = 0;
    for (const auto& a : w.acts(id, "restore_snapshot")) n += a.at("mode") == mode ? 1 : 0;
    return n;
  }
  json checkpoint(const std::string& op_id) { return w.world.op(op_id).checkpoint; }

  RingWorld w;
  FakeBackupRepository backups_{w.world.instances, w.world.ops, w.world.catalog};
  fs::path dir_;
  storage::BackupStorageSettings settings_;
};

TEST_F(CassandraRestoreTest, TheSchemaIsAJobOfTheFirstNodeLookedAtUntilItEndsBeforeAnyDataLoads) {
  const auto op = create_restoring();
  const std::string key = taskmanager::guest_job_key(op.id, "schema", "n1");
  w.world.guests.guest("n1").actions["apply_schema"] = [](FakeGuest&, const json&) {
    return json{{"state", "RUNNING"}, {"message", "created 1 of 2"}, {"progress", 0.5}};
  };
  int looks_while_running = 0;
  std::vector<std::string> messages;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    if (!running("n1", key)) return;
    messages.push_back(w.world.op(op.id).message);
    EXPECT_EQ(restore_acts("n1", "FETCH_AND_IMPORT"), 0u) << "no data before the schema";
    if (++looks_while_running == 3) end_job("n1", key, proto::JobReply::SUCCEEDED);
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  const auto schema = w.acts("n1", "apply_schema");
  ASSERT_EQ(schema.size(), 1u) << "started once, then only looked at";
  EXPECT_EQ(schema[0].at("key"), key);
  EXPECT_EQ(schema[0].at("statements"),
            json({"CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy'}",
                  "CREATE TABLE shop.items (id int PRIMARY KEY)"}))
      << "only the restored keyspace's statements";
  EXPECT_TRUE(w.acts("n2", "apply_schema").empty()) << "the schema goes through one node";
  EXPECT_GE(looks_while_running, 3);
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages.back().find("creating the backup's schema running (created 1 of 2)"),
            std::string::npos)
      << messages.back();
  EXPECT_EQ(checkpoint(op.id).value("schema_applied", false), true);
  EXPECT_EQ(restore_acts("n1", "FETCH_AND_IMPORT"), 1u);
  EXPECT_EQ(restore_acts("n2", "FETCH_AND_IMPORT"), 1u);
  EXPECT_EQ(w.cluster().status, "ACTIVE");
}

TEST_F(CassandraRestoreTest, ASchemaJobThatFailsFailsTheCreateNamingTheNodesHost) {
  const auto op = create_restoring();
  w.world.guests.guest("n1").actions["apply_schema"] = [](FakeGuest&, const json&) {
    return json{{"state", "FAILED"}, {"message", "SyntaxException: line 1:7"}};
  };

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_EQ(done.errors[0].host, w.address("n1"));
  EXPECT_NE(done.errors[0].message.find("SyntaxException"), std::string::npos)
      << done.errors[0].message;
  EXPECT_EQ(restore_acts("n1", "FETCH_AND_IMPORT") + restore_acts("n2", "FETCH_AND_IMPORT"), 0u);
}

// Every statement is CREATE ... IF NOT EXISTS: a job the guest lost
// (restarted while it ran) is started again, under the next key.
TEST_F(CassandraRestoreTest, ASchemaJobTheGuestLostIsStartedAgainUnderTheNextKey) {
  const auto op = create_restoring();
  const std::string key = taskmanager::guest_job_key(op.id, "schema", "n1");
  lose_once("n1", "apply_schema", key);

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  const auto schema = w.acts("n1", "apply_schema");
  ASSERT_EQ(schema.size(), 2u);
  EXPECT_EQ(schema[0].at("key"), key);
  EXPECT_EQ(schema[1].at("key"), key + ".2");
  EXPECT_EQ(checkpoint(op.id).value("schema_applied", false), true);
}

// Resumed after the guest finished the job but before the checkpoint said
// so: the guest's job answers, the schema is not sent again.
TEST_F(CassandraRestoreTest, AResumedCreateFindsTheSchemaJobDoneAndDoesNotStartItAgain) {
  const auto op = create_restoring();
  proto::JobReply done;
  done.set_key(taskmanager::guest_job_key(op.id, "schema", "n1"));
  done.set_state(proto::JobReply::SUCCEEDED);
  w.world.guests.guest("n1").jobs[done.key()] = done;

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_TRUE(w.acts("n1", "apply_schema").empty());
  EXPECT_EQ(checkpoint(op.id).value("schema_applied", false), true);
  EXPECT_EQ(restore_acts("n1", "FETCH_AND_IMPORT"), 1u);
}

// Resumed after the checkpoint recorded the schema (on a guest that forgot
// its jobs): nothing is asked of the guest.
TEST_F(CassandraRestoreTest, AResumedCreateWhoseCheckpointHoldsTheSchemaSkipsIt) {
  const auto op = create_restoring();
  {
    std::lock_guard<std::mutex> l(w.world.ops.mu);
    w.world.ops.operations[op.id].checkpoint = {{"schema_applied", true}};
  }

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_TRUE(w.acts("n1", "apply_schema").empty());
  EXPECT_EQ(restore_acts("n2", "FETCH_AND_IMPORT"), 1u);
}

// --- restore in place: the truncate ----------------------------------------

TEST_F(CassandraRestoreTest, TheTruncateIsAJobOfOneNodeBetweenEveryFetchAndAnyImport) {
  const auto op = restore_in_place();
  const std::string key = taskmanager::guest_job_key(op.id, "truncate", "n1");
  w.world.guests.guest("n1").actions["truncate_tables"] = [](FakeGuest&, const json&) {
    return json{{"state", "RUNNING"}, {"message", "truncated 0 of 1"}};
  };
  int looks_while_running = 0;
  std::string message;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    if (!running("n1", key)) return;
    message = w.world.op(op.id).message;
    for (const std::string id : {"n1", "n2", "n3"}) {
      EXPECT_EQ(restore_acts(id, "FETCH"), 1u) << id << " fetched before the truncate";
      EXPECT_EQ(restore_acts(id, "IMPORT"), 0u) << id << " imports nothing meanwhile";
    }
    if (++looks_while_running == 3) end_job("n1", key, proto::JobReply::SUCCEEDED);
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  const auto truncates = w.acts("n1", "truncate_tables");
  ASSERT_EQ(truncates.size(), 1u) << "started once, then only looked at";
  EXPECT_EQ(truncates[0].at("key"), key);
  EXPECT_EQ(truncates[0].at("tables"), json({"shop.items"}));
  EXPECT_TRUE(w.acts("n2", "truncate_tables").empty());
  EXPECT_TRUE(w.acts("n3", "truncate_tables").empty());
  EXPECT_GE(looks_while_running, 3);
  EXPECT_NE(message.find("truncating the tables running (truncated 0 of 1)"), std::string::npos)
      << message;
  EXPECT_EQ(checkpoint(op.id).value("truncated", false), true);
  for (const std::string id : {"n1", "n2", "n3"}) EXPECT_EQ(restore_acts(id, "IMPORT"), 1u) << id;
  EXPECT_EQ(w.cluster().status, "ACTIVE");
}

TEST_F(CassandraRestoreTest, ATruncateThatFailsNamesTheNodesHostAndImportsNothing) {
  const auto op = restore_in_place();
  w.world.guests.guest("n1").actions["truncate_tables"] = [](FakeGuest&, const json&) {
    return json{{"state", "FAILED"}, {"message", "Cannot achieve consistency level ALL"}};
  };

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_EQ(done.errors[0].host, w.address("n1"));
  EXPECT_NE(done.errors[0].message.find("consistency level ALL"), std::string::npos)
      << done.errors[0].message;
  for (const std::string id : {"n1", "n2", "n3"}) {
    EXPECT_EQ(restore_acts(id, "IMPORT"), 0u) << id;
    EXPECT_EQ(restore_acts(id, "DISCARD"), 1u) << id << ": the fetched files are let go";
  }
}

// No node imports before the truncate ends: a truncate the guest lost is
// started again, under the next key.
TEST_F(CassandraRestoreTest, ATruncateTheGuestLostIsStartedAgainUnderTheNextKey) {
  const auto op = restore_in_place();
  const std::string key = taskmanager::guest_job_key(op.id, "truncate", "n1");
  lose_once("n1", "truncate_tables", key);

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  const auto truncates = w.acts("n1", "truncate_tables");
  ASSERT_EQ(truncates.size(), 2u);
  EXPECT_EQ(truncates[1].at("key"), key + ".2");
  EXPECT_EQ(checkpoint(op.id).value("truncated", false), true);
}

TEST_F(CassandraRestoreTest, AResumedRestoreWhoseCheckpointHoldsTheTruncateSkipsIt) {
  const auto op = restore_in_place();
  {
    std::lock_guard<std::mutex> l(w.world.ops.mu);
    w.world.ops.operations[op.id].checkpoint = {{"fetched", {"n1", "n2", "n3"}},
                                                {"truncated", true}};
  }

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_TRUE(w.acts("n1", "truncate_tables").empty());
  for (const std::string id : {"n1", "n2", "n3"}) {
    EXPECT_EQ(restore_acts(id, "FETCH"), 0u) << id;
    EXPECT_EQ(restore_acts(id, "IMPORT"), 1u) << id;
  }
}

}  // namespace
}  // namespace automat::testing
