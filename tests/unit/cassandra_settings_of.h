#pragma once
// What a fake Cassandra guest was prepared with (its PrepareSettings), for
// the workflow tests of tests/unit/cassandra_*_workflow_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "datastores/cassandra/cassandra_guest.pb.h"
#include "tests/fakes/fake_guest_client.h"

namespace automat::testing {

// The settings the `i`th prepare of `g` carried.
inline proto::cassandra::PrepareSettings config_of(const FakeGuest& g, size_t i = 0) {
  proto::cassandra::PrepareSettings settings;
  EXPECT_TRUE(g.prepares.at(i).settings().UnpackTo(&settings));
  return settings;
}

inline std::vector<std::string> seeds_of(const proto::cassandra::PrepareSettings& settings) {
  return {settings.seeds().begin(), settings.seeds().end()};
}

}  // namespace automat::testing
