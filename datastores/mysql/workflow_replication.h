#pragma once
// The taskmanager steps of MySQL replication. Every guest call goes through
// the MySQL guest contract (workflow_mysql_guest.h, mysql_guest.proto). The
// replication account of an instance X that follows a source is always
// "automat_repl_<first 8 of X's id>", so detach/promote know what to drop.
//
//   replica create:  ... prepare, seed-replica, wait-caught-up, mark-active
//   instance.detach: detach-replica, mark-active
//   instance.promote: freeze-source, catch-up-candidate, promote-candidate,
//                     repoint-others, record-topology, mark-active
//   instance.eject:   choose-candidate, promote-candidate, repoint-others,
//                     record-topology, mark-active
// Steps save what later steps need (the frozen GTID, the chosen candidate)
// in the operation's checkpoint (proto::mysql::ReplicationCheckpoint,
// mysql_operations.proto), so a resumed operation continues correctly.
// A promote that fails after freeze-source and before record-topology is
// rolled back (roll_back_promote): every replica follows the old master
// again and the old master takes writes, as before the request.
#include <string>

#include "taskmanager/workflow.h"

namespace automat::datastores::mysql {

// The replication account name for instance `instance_id`.
std::string replication_user_for(const std::string& instance_id);

// The steps after prepare that make the operation's instance a caught-up
// replica of its input's replica_of (seeded from the backup named by the
// input's backup_key; proto::InstanceCreateInput).
void add_replica_seed_steps(taskmanager::StepList& steps);
void add_detach_steps(taskmanager::StepList& steps);
void add_promote_steps(taskmanager::StepList& steps);
void add_eject_steps(taskmanager::StepList& steps);

// After a failed instance.promote `op`: when the source was frozen and the
// new topology not yet recorded, re-points the candidate and the other
// replicas at the old master (they hold its data up to the frozen GTID) and
// makes the old master writable. Best effort and idempotent: an unreachable
// host is logged and named in the answer. Returns a sentence for the
// candidate's fault ("" when there was nothing to undo).
std::string roll_back_promote(taskmanager::Services& services, const db::Operation& op);

}  // namespace automat::datastores::mysql
