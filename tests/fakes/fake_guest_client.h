#pragma once
// In-memory stand-in for guestclient/guest_client.h, for unit tests of
// workflows. One FakeGuest per instance id holds what that guest answers and
// what it was asked. A datastore's own calls (its typed client over link())
// reach fake services served in-process (fake_datastore_guests.h), which
// answer from FakeGuest::actions. Thread-safe: hold `mu` of the factory
// while touching a FakeGuest another thread may use.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "guestclient/guest_client.h"

namespace automat::testing {

struct FakeGuest {
  // Every call throws Error(kUnavailable) while false (guest not listening).
  bool reachable = true;
  // The next this-many pings throw Error(kUnavailable) even when reachable.
  int unavailable_pings = 0;
  // What ping answers as instance id; empty = the instance's own id.
  std::string ping_instance_id;
  // When set, the prepare job FAILS with this message.
  std::optional<std::string> prepare_error;
  // When true, a prepare job stays RUNNING (until a test edits `jobs`).
  bool prepare_runs = false;
  // When set, a resize job FAILS with this message; when true, it stays
  // RUNNING (until a test edits `jobs`).
  std::optional<std::string> resize_error;
  bool resize_runs = false;
  // When set, a stop job FAILS with this message; when true, it stays
  // RUNNING (until a test edits `jobs`).
  std::optional<std::string> stop_error;
  bool stop_runs = false;
  // service_status answered by every call, and the report of get_status.
  std::string status = "RUNNING";
  proto::DatastoreReport report;
  // Called (without the lock) when a prepare job succeeds, e.g. to play the
  // conductor recording a RUNNING heartbeat.
  std::function<void(const proto::PrepareRequest&)> on_prepare;

  // What the guest was asked.
  int pings = 0;
  int status_calls = 0;
  int stops = 0;                                // stop jobs started
  std::vector<proto::PrepareRequest> prepares;  // one per prepare job started
  std::vector<int> resizes;                     // ram_mb of each resize job started
  std::vector<std::string> stop_keys;           // the key of each stop job started
  // The datastore's own calls (fake_datastore_guests.h), by action name
  // ("ring_status", "current_gtid", ...): the handler gets the request as
  // JSON (proto field names) and answers the reply as JSON; it runs under
  // the factory's lock and may edit this FakeGuest. An action without one
  // answers INVALID_ARGUMENT, a common::Error thrown answers its status.
  // Every call is recorded in `acts`.
  std::map<std::string, std::function<nlohmann::json(FakeGuest&, const nlohmann::json&)>> actions;
  std::vector<std::pair<std::string, nlohmann::json>> acts;
  // Jobs a job call started, by key. A job handler's answer without
  // "state" makes the job SUCCEEDED at once; {"state": "RUNNING"} leaves
  // it running until a test edits it here (a test ends it by setting its
  // state, and its result where the job answers one). A key that exists
  // answers its job without calling the handler, as a real guest does.
  std::map<std::string, proto::JobReply> jobs;
};

class FakeGuestClientFactory : public guestclient::GuestClientFactory {
 public:
  mutable std::mutex mu;
  std::map<std::string, FakeGuest> guests;  // by instance id
  std::vector<compute::Server> connects;    // every connect(), in order
  // Every datastore call ("<action> <instance id>"), every stop job started
  // ("start_stop <instance id> <key>") and every look at a job a guest has
  // ("get_job <instance id> <key>"), in order, across guests.
  std::vector<std::string> journal;

  // The guest of `instance_id`, created reachable on first use. Unlocked.
  FakeGuest& guest(const std::string& instance_id) { return guests[instance_id]; }

  std::unique_ptr<guestclient::GuestClient> connect(const compute::Server& server) override;
  // A channel to the in-process server of the fake datastore services
  // (started on first use); the token is the instance id.
  guestclient::GuestLink link(const compute::Server& server) override;

  ~FakeGuestClientFactory() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }

 private:
  std::mutex server_mu_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;  // after services_: stops first
  std::shared_ptr<grpc::Channel> channel_;
};

class FakeGuestClient : public guestclient::GuestClient {
 public:
  FakeGuestClient(FakeGuestClientFactory* factory, std::string instance_id)
      : f_(factory), id_(std::move(instance_id)) {}

  proto::PingReply ping(std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> l(f_->mu);
    FakeGuest& g = reachable_guest();
    ++g.pings;
    if (g.unavailable_pings > 0) {
      --g.unavailable_pings;
      throw common::unavailable("guest " + id_ + " unavailable: fake connection refused");
    }
    proto::PingReply r;
    r.set_instance_id(g.ping_instance_id.empty() ? id_ : g.ping_instance_id);
    r.set_manager("mysql");
    return r;
  }

  // As a guest does: a key that exists answers its job; otherwise the
  // prepare "runs" at once, SUCCEEDED, FAILED (prepare_error, or a FAILED
  // status with the report's fault) or RUNNING (prepare_runs).
  proto::JobReply start_prepare(const std::string& key, const proto::PrepareRequest& req,
                                std::chrono::milliseconds) override {
    std::function<void(const proto::PrepareRequest&)> hook;
    proto::JobReply job;
    {
      std::lock_guard<std::mutex> l(f_->mu);
      FakeGuest& g = reachable_guest();
      if (auto it = g.jobs.find(key); it != g.jobs.end()) return it->second;
      g.prepares.push_back(req);
      job.set_key(key);
      job.set_kind("prepare");
      if (g.prepare_error) {
        job.set_state(proto::JobReply::FAILED);
        job.set_message(*g.prepare_error);
      } else if (g.status == "FAILED") {
        job.set_state(proto::JobReply::FAILED);
        job.set_message(g.report.fault());
      } else if (g.prepare_runs) {
        job.set_state(proto::JobReply::RUNNING);
        job.set_message("starting");
      } else {
        job.set_state(proto::JobReply::SUCCEEDED);
        hook = g.on_prepare;
      }
      g.jobs[key] = job;
    }
    if (hook) hook(req);
    return job;
  }

  // As a guest does: a key that exists answers its job; otherwise the
  // resize "runs" at once, SUCCEEDED, FAILED (resize_error) or RUNNING
  // (resize_runs).
  proto::JobReply start_resize(const std::string& key, int ram_mb,
                               std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> l(f_->mu);
    FakeGuest& g = reachable_guest();
    if (auto it = g.jobs.find(key); it != g.jobs.end()) return it->second;
    g.resizes.push_back(ram_mb);
    proto::JobReply job;
    job.set_key(key);
    job.set_kind("resize");
    if (g.resize_error) {
      job.set_state(proto::JobReply::FAILED);
      job.set_message(*g.resize_error);
    } else if (g.resize_runs) {
      job.set_state(proto::JobReply::RUNNING);
      job.set_message("restarting");
    } else {
      job.set_state(proto::JobReply::SUCCEEDED);
    }
    g.jobs[key] = job;
    return job;
  }

  proto::StatusReply get_status(std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> l(f_->mu);
    FakeGuest& g = reachable_guest();
    ++g.status_calls;
    return status_of(g);
  }

  // As a guest does: a key that exists answers its job; otherwise the stop
  // "runs" at once, SUCCEEDED (the status becomes SHUTDOWN), FAILED
  // (stop_error) or RUNNING (stop_runs).
  proto::JobReply start_stop(const std::string& key, std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> l(f_->mu);
    FakeGuest& g = reachable_guest();
    if (auto it = g.jobs.find(key); it != g.jobs.end()) return it->second;
    ++g.stops;
    g.stop_keys.push_back(key);
    f_->journal.push_back("start_stop " + id_ + " " + key);
    proto::JobReply job;
    job.set_key(key);
    job.set_kind("stop");
    if (g.stop_error) {
      job.set_state(proto::JobReply::FAILED);
      job.set_message(*g.stop_error);
    } else if (g.stop_runs) {
      job.set_state(proto::JobReply::RUNNING);
      job.set_message("stopping the datastore");
      job.set_started_us(std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
    } else {
      job.set_state(proto::JobReply::SUCCEEDED);
      g.status = "SHUTDOWN";
    }
    g.jobs[key] = job;
    return job;
  }

  proto::JobReply get_job(const std::string& key, std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> l(f_->mu);
    FakeGuest& g = reachable_guest();
    const auto it = g.jobs.find(key);
    if (it != g.jobs.end()) {
      f_->journal.push_back("get_job " + id_ + " " + key);
      return it->second;
    }
    proto::JobReply unknown;
    unknown.set_key(key);
    return unknown;
  }

 private:
  // Caller holds the lock.
  FakeGuest& reachable_guest() {
    FakeGuest& g = f_->guest(id_);
    if (!g.reachable) {
      throw common::unavailable("guest " + id_ + " unavailable: fake connection refused");
    }
    return g;
  }
  static proto::StatusReply status_of(const FakeGuest& g) {
    proto::StatusReply r;
    r.set_service_status(g.status);
    *r.mutable_report() = g.report;
    return r;
  }

  FakeGuestClientFactory* f_;
  std::string id_;
};

inline std::unique_ptr<guestclient::GuestClient> FakeGuestClientFactory::connect(
    const compute::Server& server) {
  std::lock_guard<std::mutex> l(mu);
  connects.push_back(server);
  return std::make_unique<FakeGuestClient>(this, server.instance_id);
}

}  // namespace automat::testing

#include "tests/fakes/fake_datastore_guests.h"
