// The orphan reaper for real: the local compute driver spawning "guests" (a
// shell script standing in for automat-guestagent, with a child standing in
// for its datastore) and leasing addresses in the real PostgreSQL, whose
// instance and operation rows say which servers are orphans.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "compute/local/local_driver.h"
#include "taskmanager/orphan_reaper.h"
#include "tests/integration/db_seed.h"
#include "tests/integration/process_support.h"

namespace automat::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using taskmanager::OrphanReaper;

class OrphanReaperPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("automat-reaper-" + common::crypto::random_hex(4));
    fs::create_directories(root / "state");
    const fs::path script = root / "fake-guestagent";
    std::ofstream(script) << "#!/bin/sh\n/bin/sleep 1000 &\nwait\n";
    fs::permissions(script, fs::perms::owner_all);
    compute::local::LocalDriverOptions o;
    o.state_dir = (root / "state").string();
    o.guest_secret = "s3cret";
    o.amqp_url = "amqp://guest:guest@127.0.0.1:5672/";
    o.guestagent_binary = script.string();
    o.address_pool = "127.30." +
                     std::to_string(std::stoi(common::crypto::random_hex(1), nullptr, 16) % 200) +
                     ".0/24";
    o.stop_grace = 2s;
    driver = std::make_unique<compute::local::LocalDriver>(o, leases);
  }
  void TearDown() override {
    for (const auto& id : servers) {
      try {
        driver->destroy(id);
      } catch (const std::exception&) {
      }
    }
    fs::remove_all(root);
  }

  // An instance row with its create operation finished and a running server.
  std::string active_instance(const std::string& name) {
    db::Instance inst = new_instance(seed, name);
    db::Operation op = new_operation(inst, "instance.create");
    instances.create_with_operation(inst, op);
    operations.finish(op.id, "", "COMPLETED", {}, "done");
    compute::ServerSpec spec;
    spec.instance_id = inst.id;
    spec.manager = "mysql";
    driver->create(spec);
    servers.push_back(inst.id);
    const pid_t pid = guest_pid(inst.id);
    EXPECT_TRUE(eventually([&] { return in_session(pid).size() >= 2; }));
    return inst.id;
  }
  pid_t guest_pid(const std::string& id) {
    std::ifstream f(driver->instance_dir(id) + "/guestagent.pid");
    pid_t pid = 0;
    f >> pid;
    return pid;
  }
  // What a crashed database loses of a create: every row naming it but the
  // address lease.
  void lose_records(const std::string& id) {
    db.query("DELETE FROM operations WHERE resource_id = '" + id +
             "';"
             "DELETE FROM service_statuses WHERE instance_id = '" +
             id +
             "';"
             "DELETE FROM instances WHERE id = '" +
             id + "'");
  }
  std::vector<std::string> removed_ids(const std::vector<OrphanReaper::Removal>& removed) {
    std::vector<std::string> out;
    for (const auto& r : removed) out.push_back(r.what.instance_id);
    std::sort(out.begin(), out.end());
    return out;
  }

  PgTestDb& db = PgTestDb::get();
  Seed seed = seed_catalog(db.pool());
  db::PgInstanceRepository instances{db.pool()};
  db::PgOperationRepository operations{db.pool()};
  db::PgAddressLeaseRepository leases{db.pool()};
  fs::path root;
  std::unique_ptr<compute::local::LocalDriver> driver;
  std::vector<std::string> servers;
  common::StopSignal stop;
};

TEST_F(OrphanReaperPgTest, RemovesTheServersOfLostAndFinishedDeletesAndNothingElse) {
  const std::string live = active_instance("live");
  const std::string lost = active_instance("lost");
  const std::string deleted = active_instance("deleted");
  const std::string deleting = active_instance("deleting");
  const pid_t lost_guest = guest_pid(lost);
  const pid_t deleted_guest = guest_pid(deleted);
  const std::string lost_address = *leases.find(lost);

  lose_records(lost);
  db::Operation del = new_operation(*instances.find_any(deleted), "instance.delete");
  ASSERT_TRUE(instances.start_operation(deleted, "DELETING", {}, del));
  instances.mark_deleted(deleted);
  operations.finish(del.id, "", "COMPLETED", {}, "deleted");
  ASSERT_TRUE(instances.start_operation(
      deleting, "DELETING", {}, new_operation(*instances.find_any(deleting), "instance.delete")));
  instances.mark_deleted(deleting);  // its delete still runs: not an orphan

  OrphanReaper reaper(instances, *driver, stop, 60s, 0s);
  auto removed = reaper.scan_once();
  std::vector<std::string> expected{lost, deleted};
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(removed_ids(removed), expected);
  for (const auto& r : removed) {
    if (r.what.instance_id == lost) {
      EXPECT_EQ(r.why, "no instance record");
      EXPECT_EQ(r.what.address, lost_address);
      EXPECT_GE(r.what.processes.size(), 2u);
    } else {
      EXPECT_EQ(r.why, "instance deleted, its delete finished");
    }
  }
  for (const auto& [id, guest] : {std::pair{lost, lost_guest}, std::pair{deleted, deleted_guest}}) {
    EXPECT_TRUE(in_session(guest).empty()) << "guest and datastore of " << id << " stopped";
    EXPECT_FALSE(fs::exists(driver->instance_dir(id)));
    EXPECT_FALSE(leases.find(id)) << "the lease of " << id << " is released";
  }
  for (const auto& id : {live, deleting}) {
    EXPECT_TRUE(driver->guest_running(id)) << id;
    EXPECT_TRUE(fs::exists(driver->instance_dir(id)));
    EXPECT_TRUE(leases.find(id));
  }
  EXPECT_TRUE(reaper.scan_once().empty()) << "nothing left to remove";
}

TEST_F(OrphanReaperPgTest, AnOrphanYoungerThanTheGraceIsLeftAlone) {
  const std::string lost = active_instance("lost");
  lose_records(lost);
  OrphanReaper patient(instances, *driver, stop, 60s, 3600s);
  EXPECT_TRUE(patient.scan_once().empty());
  EXPECT_TRUE(driver->guest_running(lost));
  // An old lease does not make it old: its guest just started.
  db.query(
      "UPDATE address_leases SET created = now() - interval '2 hours'"
      " WHERE instance_id = '" +
      lost + "'");
  EXPECT_TRUE(patient.scan_once().empty());
  EXPECT_TRUE(driver->guest_running(lost));
}

TEST_F(OrphanReaperPgTest, ALeaseWithoutServerOrRecordIsReleased) {
  const std::string id = "no-such-instance-" + common::crypto::random_hex(4);
  leases.lease(id, "127.29.0.0/24", {});
  db.query(
      "UPDATE address_leases SET created = now() - interval '1 hour'"
      " WHERE instance_id = '" +
      id + "'");
  OrphanReaper reaper(instances, *driver, stop, 60s, 300s);
  const auto removed = reaper.scan_once();
  ASSERT_EQ(removed_ids(removed), std::vector<std::string>{id});
  EXPECT_TRUE(removed[0].what.directory.empty());
  EXPECT_FALSE(leases.find(id));
}

}  // namespace
}  // namespace automat::testing
