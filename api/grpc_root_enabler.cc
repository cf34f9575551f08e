#include "api/grpc_root_enabler.h"

#include <chrono>

#include "common/error.h"

namespace automat::api {

nlohmann::json GrpcRootEnabler::enable_root(const db::Instance& node) {
  if (!node.address) {
    throw common::unavailable("node " + node.id + " has no address yet; retry when it is ACTIVE");
  }
  compute::Server server{node.id, *node.address, guest_port_};
  const nlohmann::json user =
      guests_.connect(server)->act("enable_root", nlohmann::json::object(), std::chrono::seconds(60));
  if (!user.contains("name") || !user.contains("password")) {
    throw common::internal_error("the guest of node " + node.id +
                                 " answered enable_root without a user");
  }
  return {{"name", user["name"]}, {"password", user["password"]}};
}

}  // namespace automat::api
