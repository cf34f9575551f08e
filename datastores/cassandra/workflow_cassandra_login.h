#pragma once
// The ring's admin login (kAdminUser) from the taskmanager's side: secured
// through one node as a guest job, then given to the other nodes. The
// control plane never stores its password (not in the operation, not in
// logs): the securing job keeps its own on its node, and the password the
// other nodes get is made, rotated in and stored within one run of a step.
#include <optional>
#include <string>
#include <vector>

#include "db/models.h"
#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

// Secures the ring through node `via` and gives every node of `holders` the
// admin login; `doing` names the securing ("securing the ring"):
//  - the guest job StartSecureCluster on `via` (node_job, kind "secure"):
//    started once under its key, then looked at; a retry naming the node
//    while it runs (the worker is free meanwhile); the node's error when it
//    failed. A job the guest lost is started again under the next key: it
//    finds the password it stored before the ring changed, so nothing is
//    locked out;
//  - once it succeeded (`via` holds the working login): a new password made
//    here, set through `via` (RotateAdmin, with its stored login) and stored
//    on every node of `holders` (StoreCredentials), in this run.
// nullopt once every node holds the login; a resumed step looks at the
// finished job and makes a new password again.
std::optional<taskmanager::StepResult> secure_and_share_login(taskmanager::StepContext& ctx,
                                                              const db::Cluster& cluster,
                                                              const db::Node& via,
                                                              const std::vector<db::Node>& holders,
                                                              const std::string& doing);

}  // namespace automat::datastores::cassandra
