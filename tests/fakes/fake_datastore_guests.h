#pragma once
// The datastores' own guest services (datastores/*/*_guest.proto) as fakes
// for unit tests, served in-process by FakeGuestClientFactory::link(): each
// call finds its FakeGuest by the token (the instance id), records the
// request in FakeGuest::acts and answers from FakeGuest::actions, converting
// through protobuf's JSON mapping (proto field names). So a workflow's real
// typed client (deadline, token, status mapping) runs in its unit tests.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "datastores/cassandra/cassandra_guest.grpc.pb.h"
#include "datastores/mysql/mysql_guest.grpc.pb.h"
#include "tests/fakes/fake_guest_client.h"

namespace automat::testing {

inline grpc::Status fake_status(const common::Error& e) {
  switch (e.code()) {
    case common::ErrorCode::kBadRequest:
      return {grpc::StatusCode::INVALID_ARGUMENT, e.what()};
    case common::ErrorCode::kNotFound:
      return {grpc::StatusCode::NOT_FOUND, e.what()};
    case common::ErrorCode::kConflict:
      return {grpc::StatusCode::FAILED_PRECONDITION, e.what()};
    case common::ErrorCode::kUnavailable:
      return {grpc::StatusCode::UNAVAILABLE, e.what()};
    case common::ErrorCode::kTimedOut:
      return {grpc::StatusCode::DEADLINE_EXCEEDED, e.what()};
    default:
      return {grpc::StatusCode::INTERNAL, e.what()};
  }
}

inline nlohmann::json fake_request_json(const google::protobuf::Message& req) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string text;
  (void)google::protobuf::util::MessageToJsonString(req, &text, options);
  return nlohmann::json::parse(text);
}

// `answer` (JSON, proto field names) as a `result_type` message, serialized:
// a fake job's JobReply.result.
inline std::string fake_job_result(const google::protobuf::Message& result_type,
                                   const nlohmann::json& answer) {
  std::unique_ptr<google::protobuf::Message> result(result_type.New());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  (void)google::protobuf::util::JsonStringToMessage(answer.dump(), result.get(), options);
  return result->SerializeAsString();
}

// One call of a fake datastore service; `job`: a job call (see FakeGuest::jobs).
// A job's action answers its JobReply as JSON (a "state" and more), or
// anything else for SUCCEEDED at once. With a `result_type`, the job's
// result is the answer's "result" when it names a state, else the whole
// answer, as that message.
inline grpc::Status fake_guest_call(FakeGuestClientFactory& f, grpc::ServerContext* ctx,
                                    const std::string& action, const google::protobuf::Message& req,
                                    google::protobuf::Message* reply, bool job = false,
                                    const google::protobuf::Message* result_type = nullptr) {
  const auto token = ctx->client_metadata().find("x-automat-token");
  if (token == ctx->client_metadata().end()) {
    return {grpc::StatusCode::UNAUTHENTICATED, "no token"};
  }
  const std::string id(token->second.data(), token->second.size());
  std::lock_guard<std::mutex> l(f.mu);
  FakeGuest& g = f.guest(id);
  if (!g.reachable) {
    return {grpc::StatusCode::UNAVAILABLE, "guest " + id + " unavailable: fake connection refused"};
  }
  const nlohmann::json args = fake_request_json(req);
  f.journal.push_back(action + " " + id);
  std::string key;
  if (job) {
    key = args.value("key", "");
    const auto it = g.jobs.find(key);
    if (it != g.jobs.end()) {
      reply->CopyFrom(it->second);
      return grpc::Status::OK;
    }
  }
  g.acts.emplace_back(action, args);
  const auto handler = g.actions.find(action);
  if (handler == g.actions.end()) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "the fake guest " + id + " has no action '" + action + "'"};
  }
  nlohmann::json answer;
  try {
    answer = handler->second(g, args);
  } catch (const common::Error& e) {
    return fake_status(e);
  }
  if (job) {
    proto::JobReply started;
    started.set_key(key);
    started.set_kind(action);
    started.set_state(proto::JobReply::SUCCEEDED);
    const bool names_state = answer.is_object() && answer.contains("state");
    if (names_state) {
      nlohmann::json state = answer;
      state.erase("result");
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = true;
      (void)google::protobuf::util::JsonStringToMessage(state.dump(), &started, options);
      started.set_key(key);
    }
    if (result_type && (!names_state || answer.contains("result"))) {
      started.set_result(fake_job_result(*result_type, names_state ? answer.at("result") : answer));
    }
    g.jobs[key] = started;
    reply->CopyFrom(started);
    return grpc::Status::OK;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      answer.is_null() ? "{}" : answer.dump(), reply, options);
  if (!parsed.ok()) {
    return {grpc::StatusCode::INTERNAL, "fake " + action + " answered " + answer.dump() +
                                            ", not its reply: " + std::string(parsed.message())};
  }
  return grpc::Status::OK;
}

class FakeCassandraGuestService final : public proto::cassandra::CassandraGuest::Service {
 public:
  explicit FakeCassandraGuestService(FakeGuestClientFactory& f) : f_(f) {}
  using Ctx = grpc::ServerContext;
  grpc::Status RingStatus(Ctx* c, const proto::Empty* q,
                          proto::cassandra::RingStatusReply* r) override {
    return fake_guest_call(f_, c, "ring_status", *q, r);
  }
  grpc::Status StartSecureCluster(Ctx* c, const proto::cassandra::SecureClusterJob* q,
                                  proto::JobReply* r) override {
    return fake_guest_call(f_, c, "secure_cluster", *q, r, /*job=*/true);
  }
  grpc::Status StoreCredentials(Ctx* c, const proto::cassandra::Credentials* q,
                                proto::Empty* r) override {
    return fake_guest_call(f_, c, "store_credentials", *q, r);
  }
  grpc::Status RotateAdmin(Ctx* c, const proto::cassandra::RotateAdminRequest* q,
                           proto::cassandra::RotateAdminReply* r) override {
    return fake_guest_call(f_, c, "rotate_admin", *q, r);
  }
  grpc::Status UpdateSeeds(Ctx* c, const proto::cassandra::UpdateSeedsRequest* q,
                           proto::Empty* r) override {
    return fake_guest_call(f_, c, "update_seeds", *q, r);
  }
  grpc::Status Cleanup(Ctx* c, const proto::JobRequest* q, proto::JobReply* r) override {
    return fake_guest_call(f_, c, "cleanup", *q, r, /*job=*/true);
  }
  grpc::Status Decommission(Ctx* c, const proto::JobRequest* q, proto::JobReply* r) override {
    return fake_guest_call(f_, c, "decommission", *q, r, /*job=*/true);
  }
  grpc::Status StartApplySchema(Ctx* c, const proto::cassandra::ApplySchemaJob* q,
                                proto::JobReply* r) override {
    return fake_guest_call(f_, c, "apply_schema", *q, r, /*job=*/true);
  }
  grpc::Status StartRestoreSnapshot(Ctx* c, const proto::cassandra::RestoreSnapshotJob* q,
                                    proto::JobReply* r) override {
    return fake_guest_call(f_, c, "restore_snapshot", *q, r, /*job=*/true);
  }
  grpc::Status StartTruncateTables(Ctx* c, const proto::cassandra::TruncateTablesJob* q,
                                   proto::JobReply* r) override {
    return fake_guest_call(f_, c, "truncate_tables", *q, r, /*job=*/true);
  }
  grpc::Status PendingHints(Ctx* c, const proto::Empty* q,
                            proto::cassandra::PendingHintsReply* r) override {
    return fake_guest_call(f_, c, "pending_hints", *q, r);
  }
  grpc::Status StartSnapshot(Ctx* c, const proto::cassandra::SnapshotJob* q,
                             proto::JobReply* r) override {
    return fake_guest_call(f_, c, "snapshot", *q, r, /*job=*/true);
  }
  grpc::Status StartClearSnapshot(Ctx* c, const proto::cassandra::ClearSnapshotJob* q,
                                  proto::JobReply* r) override {
    return fake_guest_call(f_, c, "clear_snapshot", *q, r, /*job=*/true);
  }

 private:
  FakeGuestClientFactory& f_;
};

class FakeMysqlGuestService final : public proto::mysql::MysqlGuest::Service {
 public:
  explicit FakeMysqlGuestService(FakeGuestClientFactory& f) : f_(f) {}
  using Ctx = grpc::ServerContext;
  grpc::Status EnableSource(Ctx* c, const proto::mysql::ReplicationUserRequest* q,
                            proto::mysql::ReplicationLogin* r) override {
    return fake_guest_call(f_, c, "enable_source", *q, r);
  }
  // The job's result: the action's answer as a Backup.
  grpc::Status StartTakeSeedCopy(Ctx* c, const proto::mysql::TakeSeedCopyJob* q,
                                 proto::JobReply* r) override {
    return fake_guest_call(f_, c, "take_seed_copy", *q, r, /*job=*/true,
                           &proto::mysql::Backup::default_instance());
  }
  grpc::Status ReleaseBackup(Ctx* c, const proto::mysql::BackupRequest* q,
                             proto::Empty* r) override {
    return fake_guest_call(f_, c, "release_backup", *q, r);
  }
  grpc::Status StartFollow(Ctx* c, const proto::mysql::FollowJob* q, proto::JobReply* r) override {
    return fake_guest_call(f_, c, "follow", *q, r, /*job=*/true);
  }
  grpc::Status FollowCurrent(Ctx* c, const proto::mysql::FollowCurrentRequest* q,
                             proto::Empty* r) override {
    return fake_guest_call(f_, c, "follow_current", *q, r);
  }
  grpc::Status ReplicationStatus(Ctx* c, const proto::Empty* q,
                                 proto::mysql::ReplicationStatusReply* r) override {
    return fake_guest_call(f_, c, "replication_status", *q, r);
  }
  grpc::Status CurrentGtid(Ctx* c, const proto::Empty* q, proto::mysql::Gtid* r) override {
    return fake_guest_call(f_, c, "current_gtid", *q, r);
  }
  grpc::Status WaitCaughtUp(Ctx* c, const proto::mysql::WaitCaughtUpRequest* q,
                            proto::mysql::WaitCaughtUpReply* r) override {
    return fake_guest_call(f_, c, "wait_caught_up", *q, r);
  }
  grpc::Status Detach(Ctx* c, const proto::Empty* q, proto::Empty* r) override {
    return fake_guest_call(f_, c, "detach", *q, r);
  }
  grpc::Status DropReplicationUser(Ctx* c, const proto::mysql::ReplicationUserRequest* q,
                                   proto::Empty* r) override {
    return fake_guest_call(f_, c, "drop_replication_user", *q, r);
  }
  grpc::Status SetReadOnly(Ctx* c, const proto::mysql::ReadOnlyRequest* q,
                           proto::Empty* r) override {
    return fake_guest_call(f_, c, "read_only", *q, r);
  }
  grpc::Status StartStoreBackup(Ctx* c, const proto::mysql::StoreBackupJob* q,
                                proto::JobReply* r) override {
    return fake_guest_call(f_, c, "store_backup", *q, r, /*job=*/true);
  }

 private:
  FakeGuestClientFactory& f_;
};

inline guestclient::GuestLink FakeGuestClientFactory::link(const compute::Server& server) {
  std::lock_guard<std::mutex> l(server_mu_);
  if (!server_) {
    services_.push_back(std::make_unique<FakeCassandraGuestService>(*this));
    services_.push_back(std::make_unique<FakeMysqlGuestService>(*this));
    grpc::ServerBuilder builder;
    for (auto& s : services_) builder.RegisterService(s.get());
    server_ = builder.BuildAndStart();
    channel_ = server_->InProcessChannel(grpc::ChannelArguments());
  }
  return {{server.instance_id, "in-process", server.instance_id}, channel_};
}

}  // namespace automat::testing
