#pragma once
// One node's prepare, as a guest job (GuestAgent.StartPrepare): begin()
// builds the request, run() starts the job or looks at it (a quick call;
// the node bootstraps on its own meanwhile), result() turns what the guest
// said into a StepResult. Several nodes of a batch are run one after the
// other in one step attempt; no call waits for Cassandra to start.
#include <exception>
#include <string>

#include "datastores/cassandra/cassandra_guest.pb.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

class NodePrepare {
 public:
  // `settings` go packed in the PrepareRequest (node_config builds them).
  static NodePrepare begin(taskmanager::StepContext& ctx, const db::Node& node,
                           const proto::cassandra::PrepareSettings& settings);
  // Starts the node's prepare job or looks at it. Never throws; what went
  // wrong is kept for result().
  void run(taskmanager::StepContext& ctx);
  // Whether the guest prepared the node (Cassandra answers CQL).
  bool ok() const;
  // Whether the guest's job failed (not: still running, guest unreachable).
  bool failed() const;
  const db::Node& node() const { return node_; }
  // next() when ok(); retry while the job runs or the guest is unreachable;
  // failed naming the node and the guest's reason.
  taskmanager::StepResult result(taskmanager::StepContext& ctx, const std::string& doing) const;

 private:
  db::Node node_;
  proto::PrepareRequest request_;
  bool looked_ = false;
  taskmanager::GuestJobState job_;
  std::exception_ptr error_;
};

}  // namespace automat::datastores::cassandra
