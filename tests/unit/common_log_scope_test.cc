// The per-request log context (common/log.h): every line written on a
// thread inside a RequestScope carries its id; other threads do not.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>

#include "common/log.h"

namespace automat::common::log {
namespace {

// Sends log lines to a string while it lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("captured", sink);
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(RequestScope, EveryLineInsideCarriesTheIdAndNoneOutside) {
  CapturedLog log;
  info("before");
  {
    const RequestScope scope("req-1111");
    EXPECT_EQ(current_request_id(), "req-1111");
    info("inside", {{"k", "v"}});
    {
      const RequestScope inner("req-2222");
      warn("nested");
    }
    error("inside.again");
    std::thread([] { info("other.thread"); }).join();
  }
  info("after");
  EXPECT_TRUE(current_request_id().empty());
  EXPECT_EQ(log.text(),
            "event=before\n"
            "event=inside request_id=req-1111 k=v\n"
            "event=nested request_id=req-2222\n"
            "event=inside.again request_id=req-1111\n"
            "event=other.thread\n"
            "event=after\n");
}

}  // namespace
}  // namespace automat::common::log
