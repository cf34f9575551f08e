// storage/throttle.h: a transfer's average rate, on a fake clock whose
// sleeps move it forward.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "storage/throttle.h"

namespace automat::storage {
namespace {

using namespace std::chrono_literals;
using Clock = Throttle::Clock;

// A clock that only moves when someone sleeps on it (or a test moves it).
struct FakeTime {
  std::mutex mu;
  Clock::time_point now{Clock::time_point{} + 1000s};
  Clock::duration slept{};
  std::vector<Clock::duration> sleeps;

  Throttle throttle(uint64_t rate) {
    return Throttle(
        rate,
        [this] {
          std::lock_guard lock(mu);
          return now;
        },
        [this](Clock::duration d) {
          std::lock_guard lock(mu);
          now += d;
          slept += d;
          sleeps.push_back(d);
        });
  }
};

TEST(ThrottleTest, AZeroRateIsRefused) {
  try {
    Throttle t(0);
    FAIL() << "a zero rate was taken";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
  }
}

TEST(ThrottleTest, TheFirstChunkGoesAtOnceAndTheNextWaitForTheRate) {
  FakeTime time;
  Throttle t = time.throttle(1000);  // 1,000 bytes a second
  t.acquire(500);
  EXPECT_TRUE(time.sleeps.empty());
  t.acquire(500);  // the first 500 take 0.5 s at the rate
  ASSERT_EQ(time.sleeps.size(), 1u);
  EXPECT_EQ(time.sleeps[0], std::chrono::duration_cast<Clock::duration>(500ms));
  t.acquire(2000);  // the second 500 end at 1 s
  ASSERT_EQ(time.sleeps.size(), 2u);
  EXPECT_EQ(time.sleeps[1], std::chrono::duration_cast<Clock::duration>(500ms));
}

TEST(ThrottleTest, TenMegabytesAtTwoPerSecondTakeFiveSeconds) {
  FakeTime time;
  const uint64_t mib = 1 << 20;
  Throttle t = time.throttle(2 * mib);
  const Clock::time_point start = time.now;
  for (int i = 0; i < 10; ++i) t.acquire(mib);
  // The tenth chunk starts once nine went at the rate: 4.5 s; it is sent
  // by 5 s, when the next one could start.
  EXPECT_EQ(time.now - start, std::chrono::duration_cast<Clock::duration>(4500ms));
}

TEST(ThrottleTest, IdleTimeIsNotSavedUpForABurst) {
  FakeTime time;
  Throttle t = time.throttle(1000);
  t.acquire(1000);
  time.now += 60s;  // a minute without sending
  t.acquire(1000);  // goes at once: it is behind the rate
  EXPECT_EQ(time.slept, Clock::duration{});
  t.acquire(1000);  // but the next waits its full second again
  EXPECT_EQ(time.slept, std::chrono::duration_cast<Clock::duration>(1s));
}

TEST(ThrottleTest, ThreadsShareOneRate) {
  // 4 threads of 8 chunks of 10 KB at 400 KB/s, on a time that stands still
  // (nobody's sleep moves it): whatever the threads do, each chunk gets a
  // turn of its own, 25 ms after the one before (the first is free), so the
  // 320 KB take 0.775 s.
  std::mutex mu;
  std::vector<Clock::duration> sleeps;
  const Clock::time_point now{Clock::time_point{} + 1000s};
  Throttle t(
      400 * 1000, [now] { return now; },
      [&](Clock::duration d) {
        std::lock_guard lock(mu);
        sleeps.push_back(d);
      });
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&t] {
      for (int c = 0; c < 8; ++c) t.acquire(10 * 1000);
    });
  }
  for (auto& th : threads) th.join();
  std::sort(sleeps.begin(), sleeps.end());
  std::vector<Clock::duration> turns;
  for (int chunk = 1; chunk < 32; ++chunk) {
    turns.push_back(std::chrono::duration_cast<Clock::duration>(chunk * 25ms));
  }
  EXPECT_EQ(sleeps, turns);
}

TEST(ThrottledStreamTest, PassesEveryByteAndAsksForEachChunk) {
  FakeTime time;
  Throttle t = time.throttle(1000);
  std::string data(2500, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  std::istringstream source(data);
  ThrottledStream in(source, t, 1000);
  const std::string read{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(read, data);
  // Chunks of 1000, 1000, 500: the second waits 1 s, the third 1 s more.
  ASSERT_EQ(time.sleeps.size(), 2u);
  EXPECT_EQ(time.slept, std::chrono::duration_cast<Clock::duration>(2s));
}

TEST(ThrottledStreamTest, AFailedSourceMakesTheStreamBad) {
  FakeTime time;
  Throttle t = time.throttle(1000);
  std::istringstream source("abc");
  source.setstate(std::ios::badbit);
  ThrottledStream in(source, t, 16);
  char c;
  in.read(&c, 1);
  EXPECT_TRUE(in.bad());
}

}  // namespace
}  // namespace automat::storage
