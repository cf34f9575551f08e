#include "datastores/mysql/workflow_replication.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "datastores/mysql/common_gtid.h"
#include "datastores/mysql/mysql_operations.pb.h"
#include "datastores/mysql/workflow_mysql_guest.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/instance_steps.h"
#include "taskmanager/node_phase.h"
#include "taskmanager/operation_data.h"
#include "taskmanager/step_kit.h"

namespace automat::datastores::mysql {
namespace {

using namespace automat::taskmanager;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kQuick{10000};
constexpr milliseconds kRetry{1000};

db::Instance instance(StepContext& ctx, const std::string& id) {
  auto inst = ctx.services.instances->find_any(id);
  if (!inst) throw common::not_found("instance " + id + " no longer exists");
  return *inst;
}

using proto::mysql::ReplicationCheckpoint;

// The master a replica create follows (its input's replica_of).
std::string replica_of(const StepContext& ctx) {
  const auto input = input_of<proto::InstanceCreateInput>(ctx.operation);
  if (input.replica_of().empty()) {
    throw common::internal_error("operation " + ctx.operation.id + " names no master to follow");
  }
  return input.replica_of();
}

ReplicationCheckpoint checkpoint(const StepContext& ctx) {
  return checkpoint_of<ReplicationCheckpoint>(ctx.operation);
}

// The promote's or eject's old master, as an earlier step recorded it.
std::string old_master(const StepContext& ctx) {
  const std::string master = checkpoint(ctx).old_master();
  if (master.empty()) {
    throw common::internal_error("operation " + ctx.operation.id + " recorded no old master");
  }
  return master;
}

// Where a follower reads from: `source`'s address and `follower`'s account.
proto::mysql::Source source_of(const db::Instance& source,
                               const proto::mysql::ReplicationLogin& login) {
  proto::mysql::Source s;
  s.set_address(source.address.value_or(""));
  s.set_port(3306);
  s.set_user(login.user());
  s.set_password(login.password());
  return s;
}

// A step body run with its guest calls' errors answered by
// guest_call_failed (taskmanager/step_kit.h); `repeat` says whether the
// body's calls may be sent again after one timed out.
template <typename Fn>
StepResult guarded(StepContext& ctx, const std::string& host, const std::string& doing,
                   Repeat repeat, Fn&& fn) {
  try {
    return fn();
  } catch (const common::Error& e) {
    StepResult r = guest_call_failed(GuestCall{host, doing, repeat, kRetry, ""}, e);
    if (r.kind == StepResult::Kind::kFailed) {
      common::log::warn("replication.step_failed",
                        {{"op", ctx.operation.id}, {"host", host}, {"error", e.what()}});
    }
    return r;
  }
}

// Makes `follower` (already holding the data) follow `source`.
void repoint(StepContext& ctx, const db::Instance& source, const std::string& follower) {
  const auto login =
      mysql_guest(ctx, source.id).enable_source(replication_user_for(follower), kQuick * 6);
  mysql_guest(ctx, follower).follow_current(source_of(source, login), kQuick * 6);
}

// Lets go of `replica`'s hold on the master's copy under `key`, so that the
// last replica of a batch removes it. Best effort: a copy left behind goes
// with the master's next copy for another key.
void release_copy(StepContext& ctx, const db::Instance& master, const std::string& key,
                  const std::string& replica) {
  try {
    mysql_guest(ctx, master.id).release_backup(key, replica, kQuick);
  } catch (const common::Error& e) {
    common::log::warn("replication.copy_release_failed", {{"op", ctx.operation.id},
                                                          {"instance", replica},
                                                          {"master", master.id},
                                                          {"error", e.what()}});
  }
}

// Replica create: the master's account and a physical copy of its data
// (one per batch of replicas, on the master's host), installed here. Both
// halves are guest jobs, so no worker waits on them: the copy on the master
// (seed-copy), then the replica's follow, each under a key of this
// operation and replica, each bounded by its own deadline on the guest's
// start time; the step answers a retry while one runs. The copy, once
// taken, is in the checkpoint (ReplicaSeedCheckpoint), so later runs only
// follow the follow job.
//
// A lost job (its guest restarted while it ran): the copy is taken again
// under the next key, as taking one is safe to repeat. A lost follow is
// not started again: the replica's data dir may be half replaced and the
// operator should see that host's error. It counts as done only when the
// replica already replicates with its SQL thread running: START SLAVE is
// the follow's last act, so the seed was whole.
class SeedReplicaStep : public NamedStep {
 public:
  SeedReplicaStep()
      : NamedStep("seed-replica", "copying the master's data and starting replication",
                  seconds(3600)) {}
  StepResult run(StepContext& ctx) override {
    // Each half gets the half hour the synchronous calls had.
    constexpr seconds kCopyDeadline{30 * 60};
    constexpr seconds kFollowDeadline{30 * 60};
    constexpr seconds kJobPoll{2};
    const db::Instance master = instance(ctx, replica_of(ctx));
    const std::string backup_key = input_of<proto::InstanceCreateInput>(ctx.operation).backup_key();
    const std::string replica = ctx.operation.resource_id;
    const std::string master_host = master.address.value_or(master.id);
    // The create's checkpoint (prepared) carries this step's own progress.
    auto created = checkpoint_of<proto::InstanceCreateCheckpoint>(ctx.operation);
    proto::mysql::ReplicaSeedCheckpoint done;
    if (created.has_datastore() && !created.datastore().UnpackTo(&done)) {
      throw common::internal_error("the checkpoint of operation " + ctx.operation.id +
                                   " holds no MySQL replica seed");
    }
    if (!done.has_seed_copy()) {
      const StepResult copied =
          guarded(ctx, master_host, "copying the master's data", Repeat::kIdempotent, [&] {
            const GuestJobState job = past_deadline(
                drive_guest_job(
                    ctx, master.id, guest_job_key(ctx.operation.id, "seed-copy", replica),
                    [&](const std::string& key) {
                      MysqlGuestClient source = mysql_guest(ctx, master.id);
                      // Binary logging on: a copy needs it.
                      source.enable_source(replication_user_for(replica), kQuick * 6);
                      return source.start_take_seed_copy(key, backup_key, replica, kQuick);
                    }),
                kCopyDeadline,
                "the master's copy did not finish within " + std::to_string(kCopyDeadline.count()) +
                    " s");
            if (job.kind == GuestJobState::Kind::kRunning) {
              return StepResult::retry(
                  kJobPoll, job.message.empty() ? "copying the master's data" : job.message,
                  job.progress);
            }
            if (job.kind == GuestJobState::Kind::kFailed) {
              release_copy(ctx, master, backup_key, replica);
              return StepResult::failed(master_host,
                                        "copying the master's data failed: " + job.message);
            }
            *done.mutable_seed_copy() = seed_copy_of(job.result);
            created.mutable_datastore()->PackFrom(done);
            save_checkpoint(ctx, created);
            return StepResult::next();
          });
      if (copied.kind != StepResult::Kind::kNext) return copied;
    }
    const std::string replica_host = instance(ctx, replica).address.value_or(replica);
    // Keyed jobs, started and looked at: safe to send again.
    return guarded(ctx, replica_host, "seeding the replica", Repeat::kIdempotent, [&] {
      GuestJobState job;
      try {
        job = past_deadline(
            drive_guest_job(
                ctx, replica, guest_job_key(ctx.operation.id, "follow", replica),
                [&](const std::string& key) {
                  // The account is (re-)keyed only as a follow job starts: a
                  // running one holds its password.
                  const auto login = mysql_guest(ctx, master.id)
                                         .enable_source(replication_user_for(replica), kQuick * 6);
                  return mysql_guest(ctx, replica)
                      .start_follow(key, done.seed_copy(), source_of(master, login), kQuick);
                },
                LostJob::kReport),
            kFollowDeadline,
            "the replica's seed did not finish within " + std::to_string(kFollowDeadline.count()) +
                " s");
      } catch (const common::Error& e) {
        // The guest refused the follow: the step fails, the copy is let go.
        if (e.code() != common::ErrorCode::kUnavailable &&
            e.code() != common::ErrorCode::kTimedOut) {
          release_copy(ctx, master, backup_key, replica);
        }
        throw;
      }
      if (job.kind == GuestJobState::Kind::kRunning) {
        return StepResult::retry(
            kJobPoll, job.message.empty() ? "installing the copy on the replica" : job.message,
            job.progress);
      }
      if (job.lost) {
        const auto health = mysql_guest(ctx, replica).replication_status(kQuick);
        if (health.replicating() && health.sql_running())
          job.kind = GuestJobState::Kind::kSucceeded;
      }
      release_copy(ctx, master, backup_key, replica);  // the replica is done with it either way
      if (job.kind == GuestJobState::Kind::kFailed) {
        return StepResult::failed(replica_host, "seeding the replica failed: " + job.message);
      }
      return StepResult::next();
    });
  }
};

// Replica create: done only when the replica runs and has the master's data.
class WaitCaughtUpStep : public NamedStep {
 public:
  WaitCaughtUpStep()
      : NamedStep("wait-caught-up", "waiting for the replica to catch up", seconds(1800)) {}
  StepResult run(StepContext& ctx) override {
    const db::Instance master = instance(ctx, replica_of(ctx));
    const std::string replica = ctx.operation.resource_id;
    return guarded(ctx, replica, "checking replication", Repeat::kIdempotent, [&] {
      MysqlGuestClient guest = mysql_guest(ctx, replica);
      const auto health = guest.replication_status(kQuick);
      if (!health.replicating()) {
        return StepResult::failed(replica, "the replica is not replicating");
      }
      if (!health.sql_running() && !health.last_error().empty()) {
        return StepResult::failed(replica, "replication stopped: " + health.last_error());
      }
      const std::string gtid = mysql_guest(ctx, master.id).current_gtid(kQuick);
      const bool caught_up = guest.wait_caught_up(gtid, 5, kQuick);
      if (caught_up && health.io_running()) {
        return StepResult::next();
      }
      return StepResult::retry(kRetry, "the replica is catching up with the master");
    });
  }
};

class DetachReplicaStep : public NamedStep {
 public:
  DetachReplicaStep() : NamedStep("detach-replica", "stopping replication") {}
  StepResult run(StepContext& ctx) override {
    const db::Instance replica = instance(ctx, ctx.operation.resource_id);
    return guarded(
        ctx, replica.address.value_or(replica.id), "detaching", Repeat::kIdempotent, [&] {
          mysql_guest(ctx, replica.id).detach(kQuick * 3);
          if (replica.slave_of) {
            try {  // an unreachable master keeps an unused account; nothing breaks
              mysql_guest(ctx, *replica.slave_of)
                  .drop_replication_user(replication_user_for(replica.id), kQuick);
            } catch (const common::Error& e) {
              common::log::warn(
                  "replication.drop_user_failed",
                  {{"op", ctx.operation.id}, {"master", *replica.slave_of}, {"error", e.what()}});
            }
            ctx.services.instances->set_slave_of(replica.id, std::nullopt);
          }
          return StepResult::next();
        });
  }
};

// Promote: the master stops taking writes; its position is what the
// candidate must reach before the switch.
class FreezeSourceStep : public NamedStep {
 public:
  FreezeSourceStep() : NamedStep("freeze-source", "making the master read-only") {}
  StepResult run(StepContext& ctx) override {
    const db::Instance candidate = instance(ctx, ctx.operation.resource_id);
    if (!candidate.slave_of) {
      return StepResult::failed(candidate.id, "instance " + candidate.id + " is not a replica");
    }
    const std::string master = *candidate.slave_of;
    // The old master is recorded before it is frozen: a failure from here
    // on (the GTID unread, the step timing out) leaves roll_back_promote the
    // master to make writable again.
    ReplicationCheckpoint done = checkpoint(ctx);
    if (done.old_master() != master) {
      done.set_old_master(master);
      save_checkpoint(ctx, done);
    }
    return guarded(ctx, master, "freezing the master", Repeat::kIdempotent, [&] {
      MysqlGuestClient guest = mysql_guest(ctx, master);
      guest.set_read_only(true, kQuick);
      done.set_frozen_gtid(guest.current_gtid(kQuick));
      save_checkpoint(ctx, done);
      return StepResult::next();
    });
  }
};

class CatchUpCandidateStep : public NamedStep {
 public:
  CatchUpCandidateStep()
      : NamedStep("catch-up-candidate", "waiting for the replicas to apply every transaction",
                  seconds(600)) {}
  StepResult run(StepContext& ctx) override {
    const std::string gtid = checkpoint(ctx).frozen_gtid();
    const std::string master = old_master(ctx);
    return guarded(ctx, ctx.operation.resource_id, "catching up", Repeat::kIdempotent, [&] {
      for (const auto& r : ctx.services.instances->replicas_of(master)) {
        if (!mysql_guest(ctx, r.id).wait_caught_up(gtid, 5, kQuick)) {
          return StepResult::retry(kRetry,
                                   "replica " + r.id + " is applying the last transactions");
        }
      }
      return StepResult::next();
    });
  }
};

// Eject: the replica that applied the most becomes the master.
class ChooseCandidateStep : public NamedStep {
 public:
  ChooseCandidateStep() : NamedStep("choose-candidate", "choosing the most advanced replica") {}
  StepResult run(StepContext& ctx) override {
    const std::string master = ctx.operation.resource_id;
    std::string best, best_gtid;
    for (const auto& r : ctx.services.instances->replicas_of(master)) {
      try {
        const std::string gtid = mysql_guest(ctx, r.id).current_gtid(kQuick);
        if (best.empty() || !gtid_covers(best_gtid, gtid)) {
          best = r.id;
          best_gtid = gtid;
        }
      } catch (const common::Error& e) {
        common::log::warn("replication.candidate_unreachable",
                          {{"op", ctx.operation.id}, {"replica", r.id}, {"error", e.what()}});
      }
    }
    if (best.empty()) return StepResult::retry(kRetry, "no replica of " + master + " answers");
    ReplicationCheckpoint done = checkpoint(ctx);
    done.set_old_master(master);
    done.set_candidate(best);
    save_checkpoint(ctx, done);
    return StepResult::next();
  }
};

std::string candidate_of(StepContext& ctx) {
  const std::string candidate = checkpoint(ctx).candidate();
  return candidate.empty() ? ctx.operation.resource_id : candidate;
}

class PromoteCandidateStep : public NamedStep {
 public:
  PromoteCandidateStep() : NamedStep("promote-candidate", "making the replica the master") {}
  StepResult run(StepContext& ctx) override {
    const std::string candidate = candidate_of(ctx);
    return guarded(ctx, candidate, "promoting", Repeat::kIdempotent, [&] {
      mysql_guest(ctx, candidate).detach(kQuick * 3);
      return StepResult::next();
    });
  }
};

// The followers a switch re-points as the nodes of a db::Cluster-shaped
// view (the old master's id; the followers in order, `ordinal` their place
// in it), so that run_node_phase (taskmanager/node_phase.h) drives them as
// it drives a cluster's nodes. A replication set has no nodes table: the
// view's nodes show no phase.
db::Cluster followers_view(StepContext& ctx, const std::string& master,
                           const std::vector<std::string>& followers) {
  db::Cluster view;
  view.id = master;
  for (const auto& id : followers) {
    db::Node node;
    node.instance_id = id;
    node.instance = instance(ctx, id);
    node.zone = node.instance.availability_zone;
    node.ordinal = static_cast<int>(view.nodes.size()) + 1;
    view.nodes.push_back(std::move(node));
  }
  return view;
}

// Every follower of the old master but the candidate (and, in a promote,
// the old master itself) follows the new master, one at a time, each
// recorded in the checkpoint (ReplicationCheckpoint.repointed) once it
// does: a resumed step skips those, a failure names its follower.
class RepointOthersStep : public NamedStep {
 public:
  // `include_old_master`: promote demotes the old master to a replica.
  explicit RepointOthersStep(bool include_old_master)
      : NamedStep("repoint-others", "pointing the other instances at the new master", seconds(600)),
        include_old_(include_old_master) {}
  StepResult run(StepContext& ctx) override {
    const db::Instance candidate = instance(ctx, candidate_of(ctx));
    const std::string master = old_master(ctx);
    std::vector<std::string> followers;
    if (include_old_) followers.push_back(master);
    for (const auto& r : ctx.services.instances->replicas_of(master)) {
      if (r.id != candidate.id) followers.push_back(r.id);
    }
    const db::Cluster view = followers_view(ctx, master, followers);
    NodePhase phase;
    phase.done_message = "follows " + candidate.id;
    phase.done = [](const StepContext& c, const db::Node& n) {
      const auto repointed = checkpoint(c).repointed();
      return std::find(repointed.begin(), repointed.end(), n.instance_id) != repointed.end();
    };
    phase.record = [](StepContext& c, const db::Node& n) {
      ReplicationCheckpoint done = checkpoint(c);
      done.add_repointed(n.instance_id);
      save_checkpoint(c, done);
    };
    phase.act = [&](StepContext& c, const db::Node& n) -> std::optional<StepResult> {
      // Following the new master's current position again changes nothing.
      return guarded(c, n.instance_id, "re-pointing " + n.instance_id, Repeat::kIdempotent, [&] {
        repoint(c, candidate, n.instance_id);
        return StepResult::next();
      });
    };
    return run_node_phase(ctx, view, view.nodes, phase);
  }

 private:
  bool include_old_;
};

class RecordTopologyStep : public NamedStep {
 public:
  explicit RecordTopologyStep(bool demote_old)
      : NamedStep("record-topology", "recording the new master"), demote_old_(demote_old) {}
  StepResult run(StepContext& ctx) override {
    const std::string candidate = candidate_of(ctx);
    ctx.services.instances->switch_source(old_master(ctx), candidate, demote_old_);
    ctx.services.instances->set_task(candidate, common::task::kNone);
    return guarded(ctx, candidate, "dropping the old replication account", Repeat::kIdempotent,
                   [&] {
                     mysql_guest(ctx, candidate)
                         .drop_replication_user(replication_user_for(candidate), kQuick);
                     return StepResult::next();
                   });
  }

 private:
  bool demote_old_;
};

// Promote's steps, in order (add_promote_steps): the index of the failing
// step tells what a rollback has to undo.
constexpr int kPromoteCandidateStep = 2;  // the candidate may be detached from here on
constexpr int kRecordTopologyStep = 4;    // from here on the switch is recorded

}  // namespace

std::string roll_back_promote(Services& services, const db::Operation& op) {
  if (op.type != "instance.promote" || op.step >= kRecordTopologyStep) return "";
  std::string master_id;
  try {
    master_id = checkpoint_of<ReplicationCheckpoint>(op).old_master();
  } catch (const common::Error& e) {
    common::log::warn("replication.rollback_unreadable", {{"op", op.id}, {"error", e.what()}});
    return "";
  }
  if (master_id.empty()) return "";  // the source was never frozen: nothing to undo
  db::Operation copy = op;
  StepContext ctx{services, copy};
  std::vector<std::string> unreachable;
  const auto attempt = [&](const std::string& host, const std::function<void()>& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      unreachable.push_back(host);
      common::log::warn("replication.rollback_step_failed",
                        {{"op", op.id}, {"host", host}, {"error", e.what()}});
    }
  };
  const auto master = services.instances->find_any(master_id);
  if (!master) return "";
  if (op.step >= kPromoteCandidateStep) {
    // The candidate may run alone already, and the old master may follow it
    // (repoint-others): the old master stops following, every replica of
    // the recorded topology follows the old master again.
    attempt(master_id, [&] { mysql_guest(ctx, master_id).detach(kQuick * 3); });
    for (const auto& r : services.instances->replicas_of(master_id)) {
      attempt(r.id, [&] { repoint(ctx, *master, r.id); });
    }
  }
  attempt(master_id, [&] { mysql_guest(ctx, master_id).set_read_only(false, kQuick); });
  common::log::info("replication.promote_rolled_back",
                    {{"op", op.id},
                     {"old_master", master_id},
                     {"unreachable", std::to_string(unreachable.size())}});
  if (unreachable.empty()) {
    return "the promote was rolled back: " + master_id +
           " is the master again and takes writes; its replicas follow it";
  }
  std::string hosts;
  for (const auto& h : unreachable) hosts += (hosts.empty() ? "" : ", ") + h;
  return "the promote was rolled back where possible: " + master_id +
         " is the master again, but these did not answer and need a look: " + hosts;
}

std::string replication_user_for(const std::string& instance_id) {
  std::string id;
  for (char c : instance_id.substr(0, 8))
    id += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return "automat_repl_" + id;
}

void add_replica_seed_steps(StepList& steps) {
  add<SeedReplicaStep>(steps);
  add<WaitCaughtUpStep>(steps);
}

void add_detach_steps(StepList& steps) {
  add<DetachReplicaStep>(steps);
  add<MarkActiveStep>(steps);
}

void add_promote_steps(StepList& steps) {
  add<FreezeSourceStep>(steps);
  add<CatchUpCandidateStep>(steps);
  add<PromoteCandidateStep>(steps);
  add<RepointOthersStep>(steps, true);
  add<RecordTopologyStep>(steps, true);
  add<MarkActiveStep>(steps);
}

void add_eject_steps(StepList& steps) {
  add<ChooseCandidateStep>(steps);
  add<PromoteCandidateStep>(steps);
  add<RepointOthersStep>(steps, false);
  add<RecordTopologyStep>(steps, false);
  add<MarkActiveStep>(steps);
}

}  // namespace automat::datastores::mysql
