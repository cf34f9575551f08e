#include "datastores/cassandra/workflow_cassandra_prepare.h"

#include "common/error.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"

namespace automat::datastores::cassandra {

using taskmanager::GuestJobState;
using taskmanager::StepContext;
using taskmanager::StepResult;

namespace {
// A node takes tens of seconds to start; its job is looked at this often.
constexpr std::chrono::milliseconds kPreparePoll{2000};
}  // namespace

NodePrepare NodePrepare::begin(StepContext& ctx, const db::Node& node,
                               const proto::cassandra::PrepareSettings& settings) {
  NodePrepare p;
  p.node_ = node;
  p.request_.mutable_settings()->PackFrom(settings);
  if (auto flavor = ctx.services.catalog->find_flavor(node.instance.flavor_id)) {
    p.request_.set_memory_mb(flavor->ram_mb);
  }
  return p;
}

void NodePrepare::run(StepContext& ctx) {
  try {
    job_ = taskmanager::drive_prepare(ctx, node_.instance_id, request_);
    looked_ = true;
  } catch (...) {
    error_ = std::current_exception();
  }
}

bool NodePrepare::ok() const {
  return looked_ && !error_ && job_.kind == GuestJobState::Kind::kSucceeded;
}

bool NodePrepare::failed() const {
  return looked_ && !error_ && job_.kind == GuestJobState::Kind::kFailed;
}

StepResult NodePrepare::result(StepContext& ctx, const std::string& doing) const {
  if (error_) {
    try {
      std::rethrow_exception(error_);
    } catch (const std::exception& e) {
      return guest_error(ctx, node_, doing, e, Repeat::kIdempotent);  // a keyed job
    }
  }
  const std::string host = node_.instance.address.value_or(node_.instance_id);
  if (failed()) {
    note_failed_node(ctx, node_.instance_id);
    return StepResult::failed(
        host, doing + " failed on " + host + ": " +
                  (job_.message.empty() ? "the guest reports FAILED" : job_.message));
  }
  if (!ok()) {
    return StepResult::retry(
        kPreparePoll, doing + " on " + host + (job_.message.empty() ? "" : ": " + job_.message));
  }
  return StepResult::next();
}

}  // namespace automat::datastores::cassandra
