#pragma once
// In-memory stand-in for compute/compute_driver.h, for unit tests of
// workflows. Thread-safe. State lives in public members (hold `mu` when
// another thread may use the fake). `fail_create` / `fail_destroy` make the
// next call throw, like a driver that cannot start or stop a server.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "compute/compute_driver.h"
#include "tests/fakes/changes.h"

namespace automat::testing {

class FakeComputeDriver : public compute::ComputeDriver {
 public:
  struct Record {
    compute::Server server;
    compute::ServerSpec spec;
    bool guest_running = true;
  };

  mutable std::mutex mu;
  std::map<std::string, Record> servers;     // by instance id
  std::vector<compute::ServerSpec> creates;  // every create() call, in order
  std::vector<std::string> destroys;         // every destroy() call, in order
  int guest_starts = 0;                      // guests (re)started by create()
  std::optional<std::string> fail_create;    // message of the next create failure
  std::optional<std::string> fail_destroy;   // message of the next destroy failure
  // Every resize_volume() call (instance id, size), in order; a failure
  // message for the next one. A resize sets the record's spec.volume_gb.
  std::vector<std::pair<std::string, int>> volume_resizes;
  std::optional<std::string> fail_resize_volume;
  int guest_port = 8780;
  // Servers of no instance the workflows know (e.g. left by a lost create),
  // reported by footprints() until destroyed, with their ages.
  std::map<std::string, compute::Footprint> strays;
  std::map<std::string, std::chrono::seconds> ages;  // footprint age by id (default 0)
  std::optional<std::string> fail_footprints;        // message of the next footprints failure

  compute::Server create(const compute::ServerSpec& spec) override {
    std::lock_guard<std::mutex> l(mu);
    creates.push_back(spec);
    if (fail_create) {
      const std::string m = *fail_create;
      fail_create.reset();
      throw common::internal_error(m);
    }
    auto it = servers.find(spec.instance_id);
    if (it == servers.end()) {
      const std::string address = "127.10.0." + std::to_string(++next_host_);
      it = servers
               .emplace(spec.instance_id,
                        Record{{spec.instance_id, address, guest_port}, spec, false})
               .first;
    }
    it->second.spec = spec;  // as the driver rewrites a running guest's config
    if (!it->second.guest_running) {
      it->second.guest_running = true;
      ++guest_starts;
    }
    return it->second.server;
  }

  std::optional<compute::Server> find(const std::string& instance_id) override {
    std::lock_guard<std::mutex> l(mu);
    auto it = servers.find(instance_id);
    if (it == servers.end()) return std::nullopt;
    return it->second.server;
  }

  bool guest_running(const std::string& instance_id) override {
    std::lock_guard<std::mutex> l(mu);
    auto it = servers.find(instance_id);
    return it != servers.end() && it->second.guest_running;
  }

  void destroy(const std::string& instance_id) override {
    std::optional<std::string> failure;
    {
      std::lock_guard<std::mutex> l(mu);
      destroys.push_back(instance_id);
      failure.swap(fail_destroy);
      if (!failure) {
        servers.erase(instance_id);
        strays.erase(instance_id);
      }
    }
    changes.bump();
    if (failure) throw common::internal_error(*failure);
  }
  Changes changes;  // bumped on every destroy

  void resize_volume(const std::string& instance_id, int size_gb) override {
    std::lock_guard<std::mutex> l(mu);
    volume_resizes.emplace_back(instance_id, size_gb);
    if (fail_resize_volume) {
      const std::string m = *fail_resize_volume;
      fail_resize_volume.reset();
      throw common::internal_error(m);
    }
    auto it = servers.find(instance_id);
    if (it == servers.end()) throw common::not_found("instance " + instance_id + " has no server");
    if (size_gb < it->second.spec.volume_gb) {
      throw common::bad_request("volumes only grow: " + std::to_string(it->second.spec.volume_gb) +
                                " GB cannot become " + std::to_string(size_gb) + " GB");
    }
    it->second.spec.volume_gb = size_gb;
  }

  // Every server (directory "/fake/<id>", one guest process while it runs)
  // and every stray.
  std::vector<compute::Footprint> footprints() override {
    std::lock_guard<std::mutex> l(mu);
    if (fail_footprints) {
      const std::string m = *fail_footprints;
      fail_footprints.reset();
      throw common::internal_error(m);
    }
    std::vector<compute::Footprint> out;
    for (const auto& [id, rec] : servers) {
      compute::Footprint fp;
      fp.instance_id = id;
      fp.directory = "/fake/" + id;
      if (rec.guest_running) fp.processes.push_back("1 automat-guestagent");
      fp.address = rec.server.address;
      fp.age = ages.count(id) ? ages.at(id) : std::chrono::seconds(0);
      out.push_back(fp);
    }
    for (const auto& [id, fp] : strays) out.push_back(fp);
    return out;
  }

  // Simulates the guest agent process dying (or coming back).
  void set_guest_running(const std::string& instance_id, bool running) {
    std::lock_guard<std::mutex> l(mu);
    servers.at(instance_id).guest_running = running;
  }

 private:
  int next_host_ = 0;
};

}  // namespace automat::testing
