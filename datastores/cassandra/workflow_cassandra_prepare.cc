#include "datastores/cassandra/workflow_cassandra_prepare.h"

#include "common/error.h"
#include "common/status.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"

namespace automat::datastores::cassandra {

using taskmanager::StepContext;
using taskmanager::StepResult;

NodePrepare NodePrepare::begin(StepContext& ctx, const db::Node& node, std::string config_json) {
  NodePrepare p;
  p.node_ = node;
  p.request_.set_config_json(std::move(config_json));
  if (auto flavor = ctx.services.catalog->find_flavor(node.instance.flavor_id)) {
    p.request_.set_memory_mb(flavor->ram_mb);
  }
  const int seconds = ctx.services.config ? ctx.services.config->get_int(
                                                "taskmanager", "guest_prepare_timeout", 300)
                                          : 300;
  p.deadline_ = std::chrono::seconds(seconds);
  try {
    auto server = ctx.services.compute->find(node.instance_id);
    if (!server) throw common::unavailable("node " + node.instance_id + " has no server yet");
    p.client_ = ctx.services.guests->connect(*server);
  } catch (...) {
    p.error_ = std::current_exception();
  }
  return p;
}

void NodePrepare::run() {
  if (error_ || done_) return;
  try {
    const proto::StatusReply reply = client_->prepare(request_, deadline_);
    if (reply.service_status() == common::service_status::kFailed) {
      const auto detail = nlohmann::json::parse(reply.detail_json(), nullptr, false);
      failure_ = detail.is_object() ? detail.value("message", detail.value("error", "")) : "";
      if (failure_.empty()) failure_ = "the guest reports FAILED";
    }
  } catch (...) {
    error_ = std::current_exception();
  }
  done_ = true;
}

StepResult NodePrepare::result(StepContext& ctx, const std::string& doing) const {
  if (error_) {
    try {
      std::rethrow_exception(error_);
    } catch (const std::exception& e) {
      return guest_error(ctx, node_, doing, e);
    }
  }
  if (!failure_.empty()) {
    note_failed_node(ctx, node_.instance_id);
    const std::string host = node_.instance.address.value_or(node_.instance_id);
    return StepResult::failed(host, doing + " failed on " + host + ": " + failure_);
  }
  return StepResult::next();
}

}  // namespace automat::datastores::cassandra
