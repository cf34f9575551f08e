#pragma once
// One node's prepare call, split so several nodes can be prepared at once:
// begin() (on the step's thread) finds the server and builds the request,
// run() (on any thread) makes the blocking call, result() (on the step's
// thread again) turns what happened into a StepResult.
#include <exception>
#include <memory>
#include <string>

#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

class NodePrepare {
 public:
  // `config_json` as for the Cassandra guest's PrepareRequest.config_json.
  static NodePrepare begin(taskmanager::StepContext& ctx, const db::Node& node,
                           std::string config_json);
  // Prepares the node (blocks until its Cassandra answers CQL or failed).
  // Never throws; what went wrong is kept for result().
  void run();
  // Whether the guest prepared the node and reports it started.
  bool ok() const { return done_ && !error_ && failure_.empty(); }
  const db::Node& node() const { return node_; }
  // next() when ok(); else retry (guest unreachable) or failed naming the node.
  taskmanager::StepResult result(taskmanager::StepContext& ctx, const std::string& doing) const;

 private:
  db::Node node_;
  std::unique_ptr<guestclient::GuestClient> client_;
  proto::PrepareRequest request_;
  std::chrono::milliseconds deadline_{0};
  bool done_ = false;
  std::exception_ptr error_;
  std::string failure_;  // the guest answered FAILED: its reason
};

}  // namespace automat::datastores::cassandra
