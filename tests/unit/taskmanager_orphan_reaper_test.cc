// OrphanReaper over fakes: which footprints are orphans (no record, or a
// deleted record whose delete finished), the grace period, what a failed
// removal or an unreadable database does.
#include <gtest/gtest.h>

#include <thread>

#include "taskmanager/orphan_reaper.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::OrphanReaper;

constexpr std::chrono::seconds kGrace = 300s;

class OrphanReaperTest : public ::testing::Test {
 protected:
  OrphanReaper reaper{world.instances, world.compute, world.stop, 60s, kGrace};

  // A server the driver holds for an instance no record knows.
  void stray(const std::string& id, std::chrono::seconds age) {
    compute::Footprint fp;
    fp.instance_id = id;
    fp.directory = "/fake/" + id;
    fp.processes = {"4242 automat-guestagent", "4250 mariadbd"};
    fp.address = "127.10.0.99";
    fp.age = age;
    world.compute.strays[id] = fp;
  }
  // An instance with a server, its create finished.
  std::string active_instance(std::chrono::seconds age) {
    const auto op = world.create_instance();
    compute::ServerSpec spec;
    spec.instance_id = op.resource_id;
    world.compute.create(spec);
    world.compute.ages[op.resource_id] = age;
    world.ops.finish(op.id, "", "COMPLETED", {}, "done");
    return op.resource_id;
  }
  std::vector<std::string> ids(const std::vector<OrphanReaper::Removal>& removed) {
    std::vector<std::string> out;
    for (const auto& r : removed) out.push_back(r.what.instance_id);
    return out;
  }

  World world;
};

TEST_F(OrphanReaperTest, RemovesAServerWhoseInstanceHasNoRecord) {
  stray("lost-create", kGrace + 1s);
  const auto removed = reaper.scan_once();
  ASSERT_EQ(ids(removed), std::vector<std::string>{"lost-create"});
  EXPECT_EQ(removed[0].why, "no instance record");
  EXPECT_EQ(removed[0].what.processes.size(), 2u) << "what was removed is reported";
  EXPECT_EQ(removed[0].what.address, "127.10.0.99");
  EXPECT_EQ(world.compute.destroys, std::vector<std::string>{"lost-create"});
  EXPECT_TRUE(world.compute.footprints().empty());
}

TEST_F(OrphanReaperTest, LeavesTheServersOfLiveInstancesAlone) {
  active_instance(kGrace + 1h);
  const auto building = world.create_instance();  // its create still runs
  compute::ServerSpec spec;
  spec.instance_id = building.resource_id;
  world.compute.create(spec);
  world.compute.ages[building.resource_id] = kGrace + 1h;

  EXPECT_TRUE(reaper.scan_once().empty());
  EXPECT_TRUE(world.compute.destroys.empty());
}

TEST_F(OrphanReaperTest, RemovesTheServerOfAnInstanceDeletedWhoseDeleteFinished) {
  const std::string id = active_instance(kGrace + 1s);
  // A delete that marked the record deleted but left the server (e.g. its
  // destroy was lost with a database crash).
  const auto del = world.delete_instance(id);
  world.instances.mark_deleted(id);
  world.ops.finish(del.id, "", "COMPLETED", {}, "deleted");

  const auto removed = reaper.scan_once();
  ASSERT_EQ(ids(removed), std::vector<std::string>{id});
  EXPECT_EQ(removed[0].why, "instance deleted, its delete finished");
}

TEST_F(OrphanReaperTest, KeepsADeletedInstancesServerWhileAnOperationStillRunsOnIt) {
  const std::string id = active_instance(kGrace + 1s);
  world.delete_instance(id);  // still SUBMITTED
  world.instances.mark_deleted(id);
  EXPECT_TRUE(reaper.scan_once().empty());
  EXPECT_TRUE(world.compute.destroys.empty());
}

TEST_F(OrphanReaperTest, KeepsAClusterNodesServerWhileItsClustersOperationRuns) {
  const std::string id = active_instance(kGrace + 1s);
  {
    std::lock_guard<std::mutex> l(world.instances.mu);
    world.instances.instances[id].cluster_id = "cluster-1";
  }
  db::Operation shrink;
  shrink.id = "shrink-1";
  shrink.tenant_id = world.tenant_id;
  shrink.type = "cluster.shrink";
  shrink.resource_type = "cluster";
  shrink.resource_id = "cluster-1";
  shrink.state = "RUNNING";
  {
    std::lock_guard<std::mutex> l(world.ops.mu);
    world.ops.insert_locked(shrink);
  }
  world.instances.mark_deleted(id);
  EXPECT_TRUE(reaper.scan_once().empty()) << "the shrink may still be destroying it";

  world.ops.finish("shrink-1", "", "COMPLETED", {}, "done");
  EXPECT_EQ(ids(reaper.scan_once()), std::vector<std::string>{id});
}

TEST_F(OrphanReaperTest, WaitsOutTheGracePeriod) {
  stray("young", kGrace - 1s);
  stray("old", kGrace);
  EXPECT_EQ(ids(reaper.scan_once()), std::vector<std::string>{"old"});
  world.compute.strays["young"].age = kGrace;
  EXPECT_EQ(ids(reaper.scan_once()), std::vector<std::string>{"young"});
}

TEST_F(OrphanReaperTest, AnOrphanThatCannotBeRemovedIsTriedAgainNextScan) {
  stray("stubborn", kGrace + 1s);
  stray("easy", kGrace + 1s);
  world.compute.fail_destroy = "could not stop 1 process(es) of instance easy";
  // strays are scanned in id order: "easy" fails, "stubborn" is still removed.
  EXPECT_EQ(ids(reaper.scan_once()), std::vector<std::string>{"stubborn"});
  EXPECT_EQ(ids(reaper.scan_once()), std::vector<std::string>{"easy"});
}

TEST_F(OrphanReaperTest, NothingIsRemovedWhileTheRecordsCannotBeRead) {
  stray("lost-create", kGrace + 1s);
  world.instances.unavailable = true;
  EXPECT_THROW(reaper.scan_once(), db::DatabaseUnavailable);
  EXPECT_TRUE(world.compute.destroys.empty());
}

TEST_F(OrphanReaperTest, NothingIsRemovedWhenTheFootprintsCannotBeRead) {
  stray("lost-create", kGrace + 1s);
  world.compute.fail_footprints = "cannot list the address leases";
  EXPECT_THROW(reaper.scan_once(), common::Error);
  EXPECT_TRUE(world.compute.destroys.empty());
}

TEST_F(OrphanReaperTest, RemovesNothingWhenMostServersHaveNoRecord) {
  // Five servers without records and one live instance: more likely the
  // wrong database than five lost creates.
  active_instance(kGrace + 1s);
  for (int i = 0; i < 5; ++i) stray("unknown-" + std::to_string(i), kGrace + 1s);
  EXPECT_TRUE(reaper.scan_once().empty());
  EXPECT_TRUE(world.compute.destroys.empty());
  // Fewer of them are removed as usual.
  world.compute.strays.erase("unknown-0");
  world.compute.strays.erase("unknown-1");
  EXPECT_EQ(reaper.scan_once().size(), 3u);
}

TEST_F(OrphanReaperTest, RunScansUntilStopped) {
  stray("lost-create", kGrace + 1s);
  OrphanReaper fast(world.instances, world.compute, world.stop, 1s, kGrace);
  std::thread loop([&] { fast.run(); });
  EXPECT_TRUE(world.compute.changes.await(
      [&] {
        std::lock_guard<std::mutex> l(world.compute.mu);
        return !world.compute.destroys.empty();
      },
      10s));
  world.stop.request();
  loop.join();
  EXPECT_EQ(world.compute.destroys, std::vector<std::string>{"lost-create"});
}

}  // namespace
}  // namespace automat::testing
