// MySQL backups on the taskmanager's side (datastores/mysql/workflow_backup.cc)
// driven by the real OperationRunner: fake guest, fake repositories, and a
// real `file` backup storage in a temporary directory (the fake guest
// writes into it what the real one would).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "automat/backup.pb.h"
#include "common/proto_json.h"
#include "datastores/mysql/mysql_guest.pb.h"
#include "datastores/workflow_registry.h"
#include "storage/storage_target.h"
#include "tests/fakes/fake_backup_repository.h"
#include "tests/fakes/fake_datastore_guests.h"
#include "tests/fakes/fake_runner_timing.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::OperationRunner;
using Outcome = OperationRunner::Outcome;
namespace fs = std::filesystem;

class MysqlBackupWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("automat-backup-wf-" + common::crypto::uuid4());
    settings_.driver = storage::BackupStorageSettings::Driver::kFile;
    settings_.path = dir_.string();
    storage_ = storage::make_backup_storage(settings_);
    world.services.backups = &backups;
    world.services.backup_storage = &settings_;
    // An ACTIVE instance with a server and a guest.
    const auto create = world.create_instance();
    instance_ = create.resource_id;
    world.guests.guest(instance_).on_prepare = [this](const proto::PrepareRequest&) {
      world.instances.set_service_status(instance_, "RUNNING");
    };
    EXPECT_EQ(run(create.id), Outcome::kCompleted) << world.op(create.id).message;
    // A create that restores nothing hands the guest no settings at all.
    EXPECT_FALSE(world.guests.guest(instance_).prepares.at(0).has_settings());
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome run(const std::string& op_id) {
    OperationRunner runner(world.services, datastores::workflow_factory,
                           timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}), world.stop);
    auto op = world.ops.claim(op_id, "tm-1", 30s);
    EXPECT_TRUE(op);
    return runner.run(*op);
  }

  // What POST /backups writes: the backup (NEW), its operation, the
  // instance BACKUP.
  std::pair<std::string, std::string> start_backup(std::optional<std::string> parent = {}) {
    db::Backup b;
    b.id = common::crypto::uuid4();
    b.tenant_id = world.tenant_id;
    b.name = "nightly";
    b.instance_id = instance_;
    b.parent_id = parent;
    b.datastore_version_id = world.version_id;
    b.location = "backups/" + b.id + "/";
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = world.tenant_id;
    op.type = "backup.create";
    op.resource_type = "backup";
    op.resource_id = b.id;
    b.operation_id = op.id;
    EXPECT_TRUE(backups.create_for_instance(b, "BACKUP", {"NONE"}, op, db::default_quota_limits()));
    return {b.id, op.id};
  }

  // The guest's backup job as the real one ends it: the stream, then the
  // manifest (unless `fail` is set: then only a partial stream and a FAILED job).
  void guest_backs_up(std::optional<std::string> fail = {}) {
    world.guests.guest(instance_).actions["store_backup"] =
        [this, fail](FakeGuest&, const nlohmann::json& req) {
          jobs_seen.push_back(req);
          const auto target =
              common::proto_json::decode<proto::BackupStorageTarget>(req["storage"], "target");
          auto store = storage::make_backup_storage(target);
          const std::string prefix = req["prefix"];
          std::istringstream data(std::string(1000, 'x'));
          const auto obj = store->put(prefix + "data.mbstream.zst", data);
          if (fail) return nlohmann::json{{"state", "FAILED"}, {"message", *fail}};
          proto::BackupManifest m;
          m.set_backup_id(req["backup_id"]);
          m.set_datastore("mysql");
          m.set_incremental(!std::string(req["parent_id"]).empty());
          m.set_size(static_cast<int64_t>(obj.size));
          m.set_data_size(50 << 20);
          proto::mysql::BackupFacts facts;
          facts.set_from_lsn(req["from_lsn"]);
          facts.set_to_lsn(std::to_string(1000 + jobs_seen.size()));
          m.mutable_datastore_facts()->PackFrom(facts);
          std::istringstream text(common::proto_json::encode(m).dump());
          store->put(prefix + "manifest.json", text);
          return nlohmann::json::object();
        };
  }

  World world;
  FakeBackupRepository backups{world.instances, world.ops, world.catalog};
  FakeRunnerTiming timing;
  fs::path dir_;
  storage::BackupStorageSettings settings_;
  storage::BackupStoragePtr storage_;
  std::string instance_;
  std::vector<nlohmann::json> jobs_seen;
};

TEST_F(MysqlBackupWorkflowTest, AFullBackupIsCompletedFromItsManifest) {
  guest_backs_up();
  const auto [id, op] = start_backup();
  ASSERT_EQ(run(op), Outcome::kCompleted) << world.op(op).message;
  const auto b = backups.find_any(id);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, "COMPLETED");
  EXPECT_EQ(b->size, 1000);
  EXPECT_EQ(b->data_size, 50 << 20);
  EXPECT_EQ(b->facts.value("to_lsn", ""), "1001");
  EXPECT_EQ(world.instance(instance_).task, "NONE");
  ASSERT_EQ(jobs_seen.size(), 1u);
  EXPECT_EQ(jobs_seen[0]["prefix"], "backups/" + id + "/");
  EXPECT_EQ(jobs_seen[0]["from_lsn"], "");
  EXPECT_EQ(jobs_seen[0]["storage"]["driver"], "file");
  EXPECT_EQ(jobs_seen[0]["storage"]["path"], dir_.string());
  // Only the taskmanager's operation input is stored, and it holds no storage.
  EXPECT_EQ(world.op(op).input.dump().find("storage"), std::string::npos);
}

TEST_F(MysqlBackupWorkflowTest, AnIncrementalStartsAtItsParentsLsn) {
  guest_backs_up();
  const auto [full, op1] = start_backup();
  ASSERT_EQ(run(op1), Outcome::kCompleted);
  const auto [inc, op2] = start_backup(full);
  ASSERT_EQ(run(op2), Outcome::kCompleted) << world.op(op2).message;
  ASSERT_EQ(jobs_seen.size(), 2u);
  EXPECT_EQ(jobs_seen[1]["from_lsn"], "1001");
  EXPECT_EQ(jobs_seen[1]["parent_id"], full);
  EXPECT_EQ(backups.find_any(inc)->facts.value("from_lsn", ""), "1001");
}

TEST_F(MysqlBackupWorkflowTest, AFailedBackupLeavesNoObjectAndFreesTheInstance) {
  guest_backs_up("mariadb-backup: lost connection");
  const auto [id, op] = start_backup();
  ASSERT_EQ(run(op), Outcome::kFailed);
  const auto b = backups.find_any(id);
  EXPECT_EQ(b->status, "FAILED");
  ASSERT_TRUE(b->fault);
  EXPECT_NE(b->fault->find("lost connection"), std::string::npos) << *b->fault;
  EXPECT_TRUE(storage_->list("backups/" + id + "/").empty());
  EXPECT_EQ(world.instance(instance_).task, "NONE");
  ASSERT_FALSE(world.op(op).errors.empty());
  EXPECT_EQ(world.op(op).errors[0].host, instance_);
}

// The guest restarted mid-stream: it reports the job lost, with half a
// stream in the storage. The step starts the job again under the next key;
// the second stream replaces the half one and the backup completes.
TEST_F(MysqlBackupWorkflowTest, AGuestRestartedMidBackupStreamsItAgainAndCompletes) {
  guest_backs_up();
  auto& actions = world.guests.guest(instance_).actions;
  auto whole = actions["store_backup"];
  int calls = 0;
  actions["store_backup"] = [&, whole](FakeGuest& g, const nlohmann::json& req) {
    if (++calls > 1) return whole(g, req);
    jobs_seen.push_back(req);
    std::istringstream half(std::string(500, 'h'));
    storage_->put(std::string(req["prefix"]) + "data.mbstream.zst", half);
    return nlohmann::json{{"state", "LOST"}};
  };
  const auto [id, op] = start_backup();
  ASSERT_EQ(run(op), Outcome::kCompleted) << world.op(op).message;
  ASSERT_EQ(jobs_seen.size(), 2u);
  const std::string first_key = jobs_seen[0]["key"];
  EXPECT_EQ(jobs_seen[1]["key"], first_key + ".2");
  const auto b = backups.find_any(id);
  EXPECT_EQ(b->status, "COMPLETED");
  EXPECT_EQ(b->size, 1000);
  const auto data = storage_->head("backups/" + id + "/data.mbstream.zst");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->size, 1000u) << "the half stream was replaced";
  EXPECT_EQ(world.instance(instance_).task, "NONE");
}

TEST_F(MysqlBackupWorkflowTest, AGuestThatEndsWithoutAManifestFailsTheBackup) {
  world.guests.guest(instance_).actions["store_backup"] = [](FakeGuest&, const nlohmann::json&) {
    return nlohmann::json::object();  // "succeeded", but wrote nothing
  };
  const auto [id, op] = start_backup();
  ASSERT_EQ(run(op), Outcome::kFailed);
  EXPECT_EQ(backups.find_any(id)->status, "FAILED");
  EXPECT_NE(world.op(op).errors.at(0).message.find("manifest"), std::string::npos);
}

TEST_F(MysqlBackupWorkflowTest, AManifestThatIsNotJsonFailsTheBackupNamingIt) {
  world.guests.guest(instance_).actions["store_backup"] = [this](FakeGuest&,
                                                                 const nlohmann::json& req) {
    std::istringstream text("{\"backup_id\": ");  // cut short
    storage_->put(std::string(req["prefix"]) + "manifest.json", text);
    return nlohmann::json::object();
  };
  const auto [id, op] = start_backup();
  ASSERT_EQ(run(op), Outcome::kFailed);
  EXPECT_EQ(backups.find_any(id)->status, "FAILED");
  const std::string why = world.op(op).errors.at(0).message;
  EXPECT_NE(why.find("manifest.json of backup " + id + " is not JSON"), std::string::npos) << why;
  EXPECT_EQ(why.find("json.exception"), std::string::npos) << why;
}

TEST_F(MysqlBackupWorkflowTest, DeleteRemovesEveryObjectThenTheRow) {
  guest_backs_up();
  const auto [id, op] = start_backup();
  ASSERT_EQ(run(op), Outcome::kCompleted);
  ASSERT_EQ(storage_->list("backups/" + id + "/").size(), 2u);
  db::Operation del;
  del.id = common::crypto::uuid4();
  del.tenant_id = world.tenant_id;
  del.type = "backup.delete";
  del.resource_type = "backup";
  del.resource_id = id;
  ASSERT_TRUE(backups.start_delete(id, del).started);
  ASSERT_EQ(run(del.id), Outcome::kCompleted) << world.op(del.id).message;
  EXPECT_TRUE(storage_->list("backups/" + id + "/").empty());
  EXPECT_FALSE(backups.find_any(id));
}

TEST_F(MysqlBackupWorkflowTest, ARestoringCreateHandsTheGuestTheWholeChainFullFirst) {
  guest_backs_up();
  const auto [full, op1] = start_backup();
  ASSERT_EQ(run(op1), Outcome::kCompleted);
  const auto [inc, op2] = start_backup(full);
  ASSERT_EQ(run(op2), Outcome::kCompleted);
  const auto create = world.create_instance(nlohmann::json{{"restore_backup_id", inc}});
  const std::string restored = create.resource_id;
  world.guests.guest(restored).on_prepare = [this, restored](const proto::PrepareRequest&) {
    world.instances.set_service_status(restored, "RUNNING");
  };
  ASSERT_EQ(run(create.id), Outcome::kCompleted) << world.op(create.id).message;
  const auto prepares = world.guests.guest(restored).prepares;
  ASSERT_EQ(prepares.size(), 1u);
  proto::mysql::PrepareSettings settings;
  ASSERT_TRUE(prepares[0].settings().UnpackTo(&settings));
  ASSERT_EQ(settings.restore_chain_size(), 2);
  EXPECT_EQ(settings.restore_chain(0).prefix(), "backups/" + full + "/");
  EXPECT_FALSE(settings.restore_chain(0).incremental());
  EXPECT_EQ(settings.restore_chain(1).prefix(), "backups/" + inc + "/");
  EXPECT_TRUE(settings.restore_chain(1).incremental());
  EXPECT_EQ(settings.storage().path(), dir_.string());
}

TEST_F(MysqlBackupWorkflowTest, ARestoreFromABackupThatIsGoneFails) {
  const auto create = world.create_instance(nlohmann::json{{"restore_backup_id", "gone"}});
  ASSERT_EQ(run(create.id), Outcome::kFailed);
  EXPECT_EQ(world.instance(create.resource_id).task, "BUILDING_ERROR");
  EXPECT_NE(world.op(create.id).errors.at(0).message.find("no longer COMPLETED"),
            std::string::npos);
}

}  // namespace
}  // namespace automat::testing
