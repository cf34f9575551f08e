#include <gtest/gtest.h>

#include "common/error.h"
#include "common/status.h"
#include "common/status_detail.h"
#include "conductor/guest_message_handler.h"
#include "datastores/mysql/mysql_guest.pb.h"
#include "tests/unit/conductor_test_util.h"

namespace automat::conductor {
namespace {

using testing::heartbeat_message;
using testing::kGuestSecret;

class HandlerTest : public ::testing::Test {
 protected:
  testing::CountingHeartbeatRepository repo;
  GuestMessageHandler handler{repo, kGuestSecret};
};

// A report with `fault` and, as its datastore's own report, a message the
// conductor knows nothing special about.
proto::DatastoreReport report_of(const std::string& fault, const std::string& manager) {
  proto::DatastoreReport report;
  report.set_fault(fault);
  proto::PingReply own;
  own.set_manager(manager);
  report.mutable_datastore()->PackFrom(own);
  return report;
}

TEST_F(HandlerTest, RecordsAValidBatchInOneCall) {
  const auto result = handler.handle({
      heartbeat_message("a", 100, "RUNNING", report_of("", "kvstore")),
      heartbeat_message("b", 100, "BUILDING"),
      heartbeat_message("c", 100, "RUNNING"),
  });
  EXPECT_EQ(result.received, 3u);
  EXPECT_EQ(result.accepted, 3u);
  EXPECT_EQ(result.rejected, 0u);
  EXPECT_EQ(repo.batches, 1);
  EXPECT_EQ(repo.fake.statuses.at("a"), "RUNNING");
  EXPECT_EQ(repo.fake.statuses.at("b"), "BUILDING");
  EXPECT_EQ(repo.fake.details.at("a"),
            nlohmann::json({{"datastore",
                             {{"@type", "type.googleapis.com/automat.proto.PingReply"},
                              {"manager", "kvstore"}}}}));
  EXPECT_EQ(repo.fake.details.at("b"), nlohmann::json::object());
  EXPECT_EQ((repo.fake.lastseen.at({"a", "heartbeat"})), 100);
}

TEST_F(HandlerTest, DropsForgedMessagesButKeepsTheRest) {
  // Signed with instance b's own key, but claiming to be a.
  const std::string key_b = common::crypto::guest_signing_key(kGuestSecret, "b");
  // Signed with a key derived from the wrong deployment secret.
  const std::string wrong_secret = common::crypto::guest_signing_key("other-secret", "c");
  const auto result = handler.handle({
      heartbeat_message("a", 100, "FAILED", {}, key_b),
      heartbeat_message("c", 100, "FAILED", {}, wrong_secret),
      heartbeat_message("b", 100, "RUNNING"),
  });
  EXPECT_EQ(result.rejected, 2u);
  EXPECT_EQ(result.accepted, 1u);
  EXPECT_EQ(repo.fake.statuses.count("a"), 0u);
  EXPECT_EQ(repo.fake.statuses.count("c"), 0u);
  EXPECT_EQ(repo.fake.statuses.at("b"), "RUNNING");
}

TEST_F(HandlerTest, DropsTamperedPayload) {
  proto::GuestEnvelope env;
  ASSERT_TRUE(env.ParseFromString(heartbeat_message("a", 100, "RUNNING")));
  proto::Heartbeat hb;
  hb.set_service_status("FAILED");
  env.set_payload(hb.SerializeAsString());
  const auto result = handler.handle({env.SerializeAsString()});
  EXPECT_EQ(result.rejected, 1u);
  EXPECT_TRUE(repo.fake.statuses.empty());
  EXPECT_EQ(repo.batches, 0);  // nothing left to record
}

TEST_F(HandlerTest, SurvivesGarbage) {
  proto::GuestEnvelope unknown_method;
  unknown_method.set_instance_id("a");
  unknown_method.set_method("self_destruct");
  unknown_method.set_sent_us(5);
  common::sign_envelope(unknown_method, common::crypto::guest_signing_key(kGuestSecret, "a"));
  proto::GuestEnvelope bad_payload = unknown_method;
  bad_payload.set_method("heartbeat");
  bad_payload.set_payload(std::string("\xff\xff\xff\xff", 4));
  common::sign_envelope(bad_payload, common::crypto::guest_signing_key(kGuestSecret, "a"));
  const auto result = handler.handle({
      "",
      "not a protobuf at all \xff\xfe",
      std::string(1000, '\x0a'),
      unknown_method.SerializeAsString(),
      bad_payload.SerializeAsString(),
      heartbeat_message("b", 7, "RUNNING"),
  });
  EXPECT_EQ(result.received, 6u);
  EXPECT_EQ(result.rejected, 5u);
  EXPECT_EQ(result.accepted, 1u);
  EXPECT_EQ(repo.fake.statuses.size(), 1u);
}

TEST_F(HandlerTest, StoredDetailDecodesBackToWhatTheGuestSaid) {
  handler.handle({heartbeat_message("a", 1, "FAILED", report_of("disk full", "kvstore"))});
  EXPECT_EQ(repo.fake.details.at("a")["fault"], "disk full");  // what the instance views read
  const auto detail = common::decode_status_detail(repo.fake.details.at("a"), "a");
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->fault(), "disk full");
  proto::PingReply own;
  ASSERT_TRUE(detail->datastore().UnpackTo(&own));
  EXPECT_EQ(own.manager(), "kvstore");
}

proto::VolumeUsage volume(int64_t used, int64_t total) {
  proto::VolumeUsage v;
  v.set_used_bytes(used);
  v.set_total_bytes(total);
  return v;
}

TEST_F(HandlerTest, KeepsTheVolumeUsageAndWarnsOfANearlyFullVolume) {
  constexpr int64_t kGiB = int64_t{1} << 30;
  handler.handle({heartbeat_message("a", 1, "RUNNING", {}, "", volume(kGiB / 2, kGiB))});
  auto detail = common::decode_status_detail(repo.fake.details.at("a"), "a");
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->volume().used_bytes(), kGiB / 2);
  EXPECT_EQ(detail->volume().total_bytes(), kGiB);
  EXPECT_EQ(detail->fault(), "") << "half full is no fault";
  // What the SQL of the instance views reads.
  EXPECT_EQ(repo.fake.details.at("a")["volume"]["used_bytes"], std::to_string(kGiB / 2));

  constexpr int64_t kMiB = int64_t{1} << 20;
  handler.handle({heartbeat_message("a", 2, "RUNNING", {}, "", volume(899 * kMiB, 1000 * kMiB))});
  EXPECT_EQ(common::decode_status_detail(repo.fake.details.at("a"), "a")->fault(), "")
      << "89 % is not yet full";
  handler.handle({heartbeat_message("a", 3, "RUNNING", {}, "", volume(950 * kMiB, 1000 * kMiB))});
  detail = common::decode_status_detail(repo.fake.details.at("a"), "a");
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->fault(),
            "volume 95 % full: 0.93 of 0.98 GB used; grow it with a volume resize");
  EXPECT_EQ(repo.fake.statuses.at("a"), "RUNNING") << "a warning, not a status";

  // The datastore's own fault wins.
  handler.handle({heartbeat_message("a", 4, "FAILED", report_of("disk full", "kvstore"), "",
                                    volume(kGiB, kGiB))});
  detail = common::decode_status_detail(repo.fake.details.at("a"), "a");
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->fault(), "disk full");
  EXPECT_EQ(detail->volume().used_bytes(), kGiB);
}

TEST_F(HandlerTest, AReportOfAnUnknownTypeIsLeftOutButTheStatusIsRecorded) {
  proto::DatastoreReport report;
  report.set_fault("it broke");
  report.mutable_datastore()->set_type_url("type.googleapis.com/automat.proto.nosuch.Report");
  report.mutable_datastore()->set_value("\x08\x01");
  const auto result = handler.handle({heartbeat_message("a", 1, "FAILED", report)});
  EXPECT_EQ(result.accepted, 1u);
  EXPECT_EQ(repo.fake.statuses.at("a"), "FAILED");
  EXPECT_EQ(repo.fake.details.at("a"), nlohmann::json({{"fault", "it broke"}}));
}

// MySQL's degraded status (datastores/mysql/guest_replication_status.h); the
// conductor stores it as any other.
constexpr const char* kReplicationError = "REPLICATION_ERROR";

// A signed heartbeat from `id` as a MySQL replica's guest sends it: its
// replication health in the report (mysql_guest.proto's NodeReport) and, once
// the replication stopped on an error, REPLICATION_ERROR with the fault.
std::string replica_heartbeat(const std::string& id, int64_t sent_us, bool io, bool sql,
                              const std::string& last_error) {
  proto::GuestEnvelope env;
  EXPECT_TRUE(env.ParseFromString(heartbeat_message(id, sent_us, "RUNNING")));
  proto::mysql::NodeReport node;
  node.mutable_replication()->set_io_running(io);
  node.mutable_replication()->set_sql_running(sql);
  node.mutable_replication()->set_seconds_behind(sql ? 2 : -1);
  node.mutable_replication()->set_last_error(last_error);
  proto::Heartbeat hb;
  const bool broken = (!io || !sql) && !last_error.empty();
  hb.set_service_status(broken ? kReplicationError : "RUNNING");
  hb.mutable_report()->mutable_datastore()->PackFrom(node);
  if (broken) hb.mutable_report()->set_fault("replication stopped: " + last_error);
  env.set_payload(hb.SerializeAsString());
  common::sign_envelope(env, common::crypto::guest_signing_key(kGuestSecret, id));
  return env.SerializeAsString();
}

// The conductor stores a replica's report without knowing MySQL: the detail
// keeps the packed NodeReport, which the MySQL folder alone decodes.
TEST_F(HandlerTest, AReplicasReportIsStoredWithItsLag) {
  handler.handle({replica_heartbeat("r", 1, true, true, "")});
  EXPECT_EQ(repo.fake.statuses.at("r"), "RUNNING");
  const auto detail = common::decode_status_detail(repo.fake.details.at("r"), "r");
  ASSERT_TRUE(detail.has_value());
  proto::mysql::NodeReport node;
  ASSERT_TRUE(detail->datastore().UnpackTo(&node));
  EXPECT_EQ(node.replication().seconds_behind(), 2);
  EXPECT_TRUE(node.replication().io_running());
  EXPECT_FALSE(repo.fake.details.at("r").contains("fault"));
}

TEST_F(HandlerTest, ABrokenReplicaIsStoredAsReplicationErrorWithTheServersError) {
  handler.handle({replica_heartbeat("r", 1, true, false,
                                    "SQL: Error 'Table 'shop.t' doesn't exist' on query")});
  EXPECT_EQ(repo.fake.statuses.at("r"), kReplicationError);
  EXPECT_EQ(repo.fake.details.at("r")["fault"],
            "replication stopped: SQL: Error 'Table 'shop.t' doesn't exist' on query");
  EXPECT_EQ(common::user_status("NONE", repo.fake.statuses.at("r")), "ERROR");
  // Healed: the next heartbeat clears it.
  handler.handle({replica_heartbeat("r", 2, true, true, "")});
  EXPECT_EQ(repo.fake.statuses.at("r"), "RUNNING");
  EXPECT_FALSE(repo.fake.details.at("r").contains("fault"));
}

TEST_F(HandlerTest, StaleMessagesAreDropped) {
  handler.handle({heartbeat_message("a", 200, "RUNNING")});
  const auto result = handler.handle(
      {heartbeat_message("a", 100, "FAILED"), heartbeat_message("a", 200, "FAILED")});
  EXPECT_EQ(result.accepted, 0u);
  EXPECT_EQ(result.stale(), 2u);
  EXPECT_EQ(repo.fake.statuses.at("a"), "RUNNING");
  const auto newer = handler.handle({heartbeat_message("a", 201, "BLOCKED")});
  EXPECT_EQ(newer.accepted, 1u);
  EXPECT_EQ(repo.fake.statuses.at("a"), "BLOCKED");
}

TEST_F(HandlerTest, DatabaseOutageIsThrownAndNothingRecorded) {
  repo.fake.unavailable = true;
  try {
    handler.handle({heartbeat_message("a", 1, "RUNNING")});
    FAIL() << "expected an outage";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
  }
  repo.fake.unavailable = false;
  EXPECT_EQ(handler.handle({heartbeat_message("a", 1, "RUNNING")}).accepted, 1u);
}

// Refuses any batch that contains instance "poison" (as a constraint error
// would), so the handler must fall back to one record at a time.
class PoisonRepository : public testing::CountingHeartbeatRepository {
 public:
  size_t record_batch(const std::vector<db::HeartbeatRecord>& records) override {
    for (const auto& r : records) {
      if (r.instance_id == "poison") throw common::internal_error("constraint violated");
    }
    return CountingHeartbeatRepository::record_batch(records);
  }
};

TEST(HandlerFallback, OneBadRecordDoesNotBlockTheOthers) {
  PoisonRepository repo;
  GuestMessageHandler handler(repo, kGuestSecret);
  const auto result = handler.handle({heartbeat_message("a", 1, "RUNNING"),
                                      heartbeat_message("poison", 1, "RUNNING"),
                                      heartbeat_message("b", 1, "RUNNING")});
  EXPECT_EQ(result.accepted, 2u);
  EXPECT_EQ(repo.fake.statuses.count("a"), 1u);
  EXPECT_EQ(repo.fake.statuses.count("b"), 1u);
  EXPECT_EQ(repo.fake.statuses.count("poison"), 0u);
}

}  // namespace
}  // namespace automat::conductor
