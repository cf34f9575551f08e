#include <gtest/gtest.h>

#include "common/error.h"
#include "common/status.h"

namespace automat::common {
namespace {

struct Row {
  const char* task;
  const char* service;
  const char* shown;
};

TEST(UserStatus, Table) {
  namespace ss = service_status;
  const Row rows[] = {
      {task::kBuilding, "", "BUILD"},
      {task::kBuilding, ss::kNew, "BUILD"},
      {task::kBuilding, ss::kBuilding, "BUILD"},
      {task::kBuilding, ss::kRunning, "BUILD"},
      {task::kNone, ss::kRunning, "ACTIVE"},
      {task::kNone, ss::kNew, "BUILD"},
      {task::kNone, "", "BUILD"},
      {task::kNone, ss::kBlocked, "BLOCKED"},
      {task::kNone, ss::kShutdown, "SHUTDOWN"},
      {task::kNone, ss::kUnknown, "UNKNOWN"},
      {task::kNone, ss::kFailed, "ERROR"},
      {task::kNone, ss::kCrashed, "ERROR"},
      {task::kNone, ss::kFailedTimeoutGuestagent, "ERROR"},
      {task::kBuilding, ss::kFailedTimeoutGuestagent, "ERROR"},
      {task::kBuildingError, ss::kRunning, "ERROR"},
      {task::kBuildingError, "", "ERROR"},
      {task::kDeleting, ss::kRunning, "SHUTDOWN"},
      {task::kResize, ss::kRunning, "RESIZE"},
      {task::kResize, ss::kFailed, "ERROR"},
      // A datastore's degraded status (MySQL's REPLICATION_ERROR, any other).
      {task::kNone, "REPLICATION_ERROR", "ERROR"},
      {task::kNone, "QUORUM_ERROR", "ERROR"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(user_status(r.task, r.service), r.shown)
        << "task=" << r.task << " service=" << r.service;
  }
}

TEST(UserStatus, ADegradedStatusIsTheDatastoresWordEndingInError) {
  EXPECT_TRUE(service_status::is_degraded("REPLICATION_ERROR"));
  EXPECT_FALSE(service_status::is_degraded("_ERROR"));
  for (const char* s : {service_status::kRunning, service_status::kFailed, service_status::kBlocked,
                        service_status::kUnknown, service_status::kCrashed, ""}) {
    EXPECT_FALSE(service_status::is_degraded(s)) << s;
  }
}

TEST(ErrorCodes, FaultNamesAndHttpStatus) {
  EXPECT_STREQ(fault_name(ErrorCode::kBadRequest), "badRequest");
  EXPECT_STREQ(fault_name(ErrorCode::kNotFound), "itemNotFound");
  EXPECT_STREQ(fault_name(ErrorCode::kOverLimit), "overLimit");
  EXPECT_STREQ(fault_name(ErrorCode::kUnprocessable), "unprocessableEntity");
  EXPECT_STREQ(fault_name(ErrorCode::kInternal), "instanceFault");
  EXPECT_EQ(unavailable("x").http_status(), 503);
  EXPECT_EQ(conflict("x").code(), ErrorCode::kConflict);
}

}  // namespace
}  // namespace automat::common
