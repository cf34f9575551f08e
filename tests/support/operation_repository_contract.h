#pragma once
// The promises of db::OperationRepository and the instance writes the
// workflows lean on (db/repositories.h), checked on any implementation: the
// PostgreSQL ones (db_integration_test) and the fakes of tests/fakes/
// (db_fakes_test) run the same checks, so a unit test on the fakes sees the
// semantics production has.
//
// `instances` and `ops` must share one store (an instance's create writes
// its operation). `model` is a valid instance of `tenant_id` (flavor and
// datastore version exist); `other_tenant_id` is another tenant. The store
// may hold rows of other tests: nothing here assumes it is empty.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "common/crypto.h"
#include "common/error.h"
#include "common/status.h"
#include "db/quota.h"
#include "db/repositories.h"

namespace automat::testing {
namespace contract {

struct Made {
  db::Instance instance;
  db::Operation op;
};

inline Made make(db::InstanceRepository& instances, const db::Instance& model,
                 const std::string& name) {
  Made m{model, {}};
  m.instance.id = common::crypto::uuid4();
  m.instance.name = name;
  m.op.id = common::crypto::uuid4();
  m.op.tenant_id = model.tenant_id;
  m.op.type = "instance.create";
  m.op.resource_type = "instance";
  m.op.resource_id = m.instance.id;
  m.op.input = {{"name", name}};
  m.op.warnings = {"warned of '" + name + "'"};
  instances.create_with_operation(m.instance, m.op);
  return m;
}

// Claims `id` for `owner` once its lease (of another owner) has lapsed,
// trying for up to 5 s: a zero-length lease lapses as soon as the store's
// clock moves on.
inline std::optional<db::Operation> claim_after_lapse(db::OperationRepository& ops,
                                                      const std::string& id,
                                                      const std::string& owner) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    if (auto op = ops.claim(id, owner, std::chrono::seconds(30))) return op;
    std::this_thread::yield();
  }
  return std::nullopt;
}

inline bool listed(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace contract

inline void check_operation_repository_contract(db::InstanceRepository& instances,
                                                db::OperationRepository& ops,
                                                const db::Instance& model,
                                                const std::string& other_tenant_id) {
  using namespace std::chrono_literals;
  namespace ss = common::op_state;
  const contract::Made a = contract::make(instances, model, "contract-a");

  // A new operation: SUBMITTED, scoped to its tenant, input kept, no checkpoint.
  auto fresh = ops.find(model.tenant_id, a.op.id);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->state, ss::kSubmitted);
  EXPECT_FALSE(fresh->owner);
  EXPECT_EQ(fresh->input, nlohmann::json({{"name", "contract-a"}}));
  EXPECT_EQ(fresh->checkpoint, nlohmann::json::object());
  EXPECT_EQ(fresh->warnings, std::vector<std::string>{"warned of 'contract-a'"});
  EXPECT_FALSE(ops.find(other_tenant_id, a.op.id)) << "another tenant's operation";
  EXPECT_TRUE(ops.find_any(a.op.id));
  EXPECT_FALSE(ops.find_any(common::crypto::uuid4()));

  // Claimed once: RUNNING under its owner; another owner is refused while
  // the lease lives; the holder may claim again.
  auto claimed = ops.claim(a.op.id, "tm-a", 30s);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->state, ss::kRunning);
  EXPECT_EQ(claimed->owner, std::optional<std::string>("tm-a"));
  EXPECT_TRUE(claimed->started);
  EXPECT_FALSE(ops.claim(a.op.id, "tm-b", 30s));
  EXPECT_TRUE(ops.claim(a.op.id, "tm-a", 30s));
  EXPECT_FALSE(contract::listed(ops.list_resumable(0s, 1000), a.op.id)) << "its lease lives";

  // Only the holder writes progress, input and checkpoint, and renewals.
  EXPECT_TRUE(ops.save_progress(a.op.id, "tm-a", 2, "prepare", 0.5, "preparing"));
  EXPECT_TRUE(ops.save_record(a.op.id, "tm-a", {{"name", "scrubbed"}}, {{"prepared", true}}));
  EXPECT_TRUE(ops.renew_lease(a.op.id, "tm-a", 30s));
  EXPECT_FALSE(ops.save_progress(a.op.id, "tm-b", 3, "stale", 0.75, "stale writer"));
  EXPECT_FALSE(ops.save_record(a.op.id, "tm-b", {{"stale", true}}, {{"stale", true}}));
  EXPECT_FALSE(ops.renew_lease(a.op.id, "tm-b", 30s));
  auto held = ops.find_any(a.op.id);
  EXPECT_EQ(held->step, 2);
  EXPECT_EQ(held->step_name, "prepare");
  EXPECT_DOUBLE_EQ(held->progress, 0.5);
  EXPECT_EQ(held->message, "preparing");
  EXPECT_EQ(held->input, nlohmann::json({{"name", "scrubbed"}}));
  EXPECT_EQ(held->checkpoint, nlohmann::json({{"prepared", true}}));

  // A lapsed lease (a zero-length renewal lets go at once) is resumable,
  // and another owner takes it over with the cursor as it was.
  EXPECT_TRUE(ops.renew_lease(a.op.id, "tm-a", 0s));
  auto taken = contract::claim_after_lapse(ops, a.op.id, "tm-b");
  ASSERT_TRUE(taken) << "a zero-length lease never lapsed";
  EXPECT_EQ(taken->owner, std::optional<std::string>("tm-b"));
  EXPECT_EQ(taken->step, 2) << "the cursor survives the takeover";
  EXPECT_EQ(taken->started, claimed->started);
  EXPECT_FALSE(ops.renew_lease(a.op.id, "tm-a", 30s)) << "tm-a lost it";
  EXPECT_FALSE(ops.save_progress(a.op.id, "tm-a", 3, "x", 0.6, "stale writer"));

  // Finished by a stranger: nothing happens. By the holder: final, owner
  // gone, errors and message kept; a second finish changes nothing.
  ops.finish(a.op.id, "tm-a", ss::kFailed, {{"h", "stale"}}, "stale");
  EXPECT_EQ(ops.find_any(a.op.id)->state, ss::kRunning);
  ops.finish(a.op.id, "tm-b", ss::kFailed, {{"127.10.0.5", "disk full"}}, "disk full");
  auto failed = ops.find_any(a.op.id);
  EXPECT_EQ(failed->state, ss::kFailed);
  EXPECT_FALSE(failed->owner);
  ASSERT_EQ(failed->errors.size(), 1u);
  EXPECT_EQ(failed->errors[0].host, "127.10.0.5");
  EXPECT_EQ(failed->errors[0].message, "disk full");
  EXPECT_EQ(failed->message, "disk full");
  EXPECT_TRUE(failed->finished);
  ops.finish(a.op.id, "tm-b", ss::kCompleted, {}, "again");
  EXPECT_EQ(ops.find_any(a.op.id)->state, ss::kFailed);
  EXPECT_FALSE(ops.claim(a.op.id, "tm-c", 30s)) << "a finished operation is never claimed";
  EXPECT_FALSE(contract::listed(ops.list_resumable(0s, 1000), a.op.id));

  // Completed: progress 1.
  const contract::Made b = contract::make(instances, model, "contract-b");
  ASSERT_TRUE(ops.claim(b.op.id, "tm-a", 30s));
  ops.finish(b.op.id, "tm-a", ss::kCompleted, {}, "completed");
  auto done = ops.find_any(b.op.id);
  EXPECT_EQ(done->state, ss::kCompleted);
  EXPECT_DOUBLE_EQ(done->progress, 1.0);
  EXPECT_TRUE(done->errors.empty());

  // Never claimed: resumable only once older than the grace.
  const contract::Made c = contract::make(instances, model, "contract-c");
  EXPECT_FALSE(contract::listed(ops.list_resumable(3600s, 1000), c.op.id));
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (!contract::listed(ops.list_resumable(0s, 1000), c.op.id) &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
  EXPECT_TRUE(contract::listed(ops.list_resumable(0s, 1000), c.op.id));
  EXPECT_LE(ops.list_resumable(0s, 1).size(), 1u) << "the limit holds";

  // A tenant's list: its own operations only, filtered by state, type and
  // resource; a finished one leaves it once it finished longer ago than
  // finished_within, an unfinished one never does.
  const auto ids_of = [](const std::vector<db::Operation>& list) {
    std::vector<std::string> ids;
    for (const auto& op : list) ids.push_back(op.id);
    return ids;
  };
  const std::vector<std::string> everything = ids_of(ops.list(model.tenant_id, {}));
  for (const auto* id : {&a.op.id, &b.op.id, &c.op.id}) {
    EXPECT_TRUE(contract::listed(everything, *id)) << *id;
  }
  EXPECT_FALSE(contract::listed(ids_of(ops.list(other_tenant_id, {})), a.op.id));
  db::OperationFilter of_a;
  of_a.resource_id = a.instance.id;
  EXPECT_EQ(ids_of(ops.list(model.tenant_id, of_a)), std::vector<std::string>{a.op.id});
  EXPECT_TRUE(ops.list(other_tenant_id, of_a).empty()) << "another tenant's filter";
  of_a.state = ss::kCompleted;
  EXPECT_TRUE(ops.list(model.tenant_id, of_a).empty()) << "a is FAILED";
  of_a.state = ss::kFailed;
  EXPECT_EQ(ops.list(model.tenant_id, of_a).size(), 1u);
  of_a.type = "instance.delete";
  EXPECT_TRUE(ops.list(model.tenant_id, of_a).empty()) << "a is an instance.create";
  of_a.type = "instance.create";
  EXPECT_EQ(ops.list(model.tenant_id, of_a).size(), 1u);
  db::OperationFilter of_c;
  of_c.resource_id = c.instance.id;
  of_c.finished_within = 0s;
  EXPECT_EQ(ops.list(model.tenant_id, of_c).size(), 1u) << "an unfinished operation stays";
  of_a = {};
  of_a.resource_id = a.instance.id;
  of_a.finished_within = 0s;
  const auto gone_by = std::chrono::steady_clock::now() + 5s;
  while (!ops.list(model.tenant_id, of_a).empty() && std::chrono::steady_clock::now() < gone_by) {
    std::this_thread::yield();
  }
  EXPECT_TRUE(ops.list(model.tenant_id, of_a).empty()) << "a finished operation leaves the list";
}

// The instance writes a workflow makes as it goes. `other_flavor_id` names
// a flavor the catalog has besides the model's.
inline void check_instance_writes_contract(db::InstanceRepository& instances,
                                           const db::Instance& model,
                                           const std::string& other_tenant_id,
                                           const std::string& other_flavor_id) {
  const contract::Made m = contract::make(instances, model, "contract-i");
  const std::string& id = m.instance.id;
  auto got = instances.find(model.tenant_id, id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->task, "BUILDING");
  EXPECT_FALSE(got->address);
  EXPECT_FALSE(got->guest_port);
  EXPECT_FALSE(instances.find(other_tenant_id, id)) << "another tenant's instance";

  instances.set_address(id, "127.10.0.9", 8781);
  instances.set_task(id, "NONE");
  instances.set_fault(id, "prepare failed: disk full");
  instances.set_service_status(id, "RUNNING");
  got = instances.find_any(id);
  EXPECT_EQ(got->address, std::optional<std::string>("127.10.0.9"));
  EXPECT_EQ(got->guest_port, std::optional<int>(8781));
  EXPECT_EQ(got->task, "NONE");
  EXPECT_EQ(got->fault, std::optional<std::string>("prepare failed: disk full"));
  EXPECT_TRUE(got->fault_created);
  EXPECT_EQ(got->service_status, "RUNNING");

  instances.set_volume_size(id, model.volume_size_gb + 4);
  EXPECT_EQ(instances.find_any(id)->volume_size_gb, model.volume_size_gb + 4);
  instances.set_flavor(id, other_flavor_id);
  EXPECT_EQ(instances.find_any(id)->flavor_id, other_flavor_id);
  EXPECT_EQ(instances.find(model.tenant_id, id)->flavor_id, other_flavor_id);

  instances.set_fault(id, std::nullopt);
  instances.set_address(id, std::nullopt, std::nullopt);
  got = instances.find_any(id);
  EXPECT_FALSE(got->fault);
  EXPECT_FALSE(got->fault_created);
  EXPECT_FALSE(got->address);
  EXPECT_FALSE(got->guest_port);

  instances.mark_deleted(id);
  EXPECT_FALSE(instances.find_any(id));
  EXPECT_FALSE(instances.find(model.tenant_id, id));
  instances.set_volume_size(id, model.volume_size_gb + 9);  // a deleted row is left alone
  instances.set_flavor(id, model.flavor_id);
  EXPECT_FALSE(instances.find_any(id)) << "a deleted row stays deleted";
}

// A start_operation that charges a quota (a volume resize charges its
// growth): refused whole when the charge does not fit, written when it does.
inline void check_charged_start_contract(db::InstanceRepository& instances,
                                         const db::Instance& model) {
  const contract::Made m = contract::make(instances, model, "contract-q");
  const std::string& id = m.instance.id;
  instances.set_task(id, "NONE");
  auto op_of = [&](const std::string& type) {
    db::Operation op = m.op;
    op.id = common::crypto::uuid4();
    op.type = type;
    op.input = nlohmann::json::object();
    return op;
  };
  db::QuotaCharge over;
  over.defaults.volumes = 0;  // the tenant has no limit of its own: nothing more fits
  over.delta.volumes = 3;
  try {
    instances.start_operation(id, "RESIZE", {"NONE"}, op_of("instance.resize_volume"), over);
    ADD_FAILURE() << "a charge over the volumes quota must be refused";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kOverLimit);
    EXPECT_NE(std::string(e.what()).find("volumes"), std::string::npos) << e.what();
  }
  EXPECT_EQ(instances.find_any(id)->task, "NONE") << "a refused charge writes nothing";

  db::QuotaCharge fits;
  fits.defaults.volumes = -1;
  fits.delta.volumes = 3;
  EXPECT_TRUE(
      instances.start_operation(id, "RESIZE", {"NONE"}, op_of("instance.resize_volume"), fits));
  EXPECT_EQ(instances.find_any(id)->task, "RESIZE");
  EXPECT_FALSE(
      instances.start_operation(id, "RESIZE", {"NONE"}, op_of("instance.resize_volume"), fits))
      << "a busy instance starts nothing";
}

}  // namespace automat::testing
