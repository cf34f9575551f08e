#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "cli/progress.h"

namespace automat::cli {
namespace {

TEST(CliProgress, RendersBarPercentMessageAndElapsed) {
  // width 48 -> a 12-cell bar; 58% of 12 cells rounds to 7.
  EXPECT_EQ(render_progress_bar(0.58, "starting MariaDB", 4.2, 48),
            "[#######.....] 58%  starting MariaDB  (4.2s)");
}

TEST(CliProgress, BarWidthFollowsTheTerminalWithinBounds) {
  EXPECT_EQ(render_progress_bar(0.5, "", 0, 80).substr(0, 22), "[##########..........]");
  EXPECT_EQ(render_progress_bar(1.0, "", 0, 20), "[##########] 100%  (0.0s)");
  EXPECT_EQ(render_progress_bar(0.0, "", 0, 1000).substr(0, 32), "[" + std::string(30, '.') + "]");
}

TEST(CliProgress, ClampsFractionOutOfRange) {
  EXPECT_EQ(render_progress_bar(1.7, "", 1, 40), "[##########] 100%  (1.0s)");
  EXPECT_EQ(render_progress_bar(-0.2, "", 1, 40), "[..........] 0%  (1.0s)");
  EXPECT_EQ(render_progress_bar(std::nan(""), "", 1, 40), "[..........] 0%  (1.0s)");
}

TEST(CliProgress, CutsALongMessageToFitTheWidth) {
  std::string line = render_progress_bar(0.25, "installing the system tables of MariaDB", 3, 50);
  EXPECT_EQ(line, "[###.........] 25%  installing the syst...  (3.0s)");
  EXPECT_EQ(line.size(), 50u);
}

TEST(CliProgress, DropsTheMessageWhenThereIsNoRoom) {
  EXPECT_EQ(render_progress_bar(0.5, "starting MariaDB", 2, 28), "[#####.....] 50%  (2.0s)");
}

TEST(CliProgress, ControlCharactersInTheMessageBecomeSpaces) {
  EXPECT_EQ(render_progress_line(0.1, "line one\nline\ttwo", 0.5),
            "10%  line one line two  (0.5s)");
}

TEST(CliProgress, ElapsedSwitchesToMinutes) {
  EXPECT_EQ(format_elapsed(4.25), "4.2s");
  EXPECT_EQ(format_elapsed(59.9), "59.9s");
  EXPECT_EQ(format_elapsed(65), "1m05s");
  EXPECT_EQ(format_elapsed(-3), "0.0s");
}

TEST(CliProgress, PlainLineForPipes) {
  EXPECT_EQ(render_progress_line(0.58, "starting MariaDB", 4.2), "58%  starting MariaDB  (4.2s)");
  EXPECT_EQ(render_progress_line(0, "", 0), "0%  (0.0s)");
}

TEST(CliProgressPrinter, LiveRedrawsOneLineInPlace) {
  std::ostringstream out;
  ProgressPrinter printer(out, /*live=*/true, 49);
  printer.update(0.58, "starting MariaDB", 4.2);
  printer.update(1.0, "done", 5.0);
  printer.finish();
  EXPECT_EQ(out.str(),
            "\r[#######.....] 58%  starting MariaDB  (4.2s)\x1b[K"
            "\r[############] 100%  done  (5.0s)\x1b[K\n");
}

TEST(CliProgressPrinter, PlainPrintsOnlyChangesOrEveryInterval) {
  std::ostringstream out;
  ProgressPrinter printer(out, /*live=*/false, 80, std::chrono::seconds(10));
  printer.update(0.1, "creating", 0.5);
  printer.update(0.1, "creating", 1.0);   // unchanged: silent
  printer.update(0.1, "creating", 11.0);  // unchanged but 10 s passed
  printer.update(0.5, "starting", 11.5);  // changed
  printer.finish();                       // plain: nothing to end
  EXPECT_EQ(out.str(),
            "10%  creating  (0.5s)\n"
            "10%  creating  (11.0s)\n"
            "50%  starting  (11.5s)\n");
}

TEST(CliProgressPrinter, LabelPrefixesMessagesUntilCleared) {
  std::ostringstream out;
  ProgressPrinter printer(out, /*live=*/false, 80);
  printer.set_label("db1-2");
  printer.update(0.3, "starting MariaDB", 1.0);
  printer.update(0.3, "", 2.0);  // no message: just the label
  printer.set_label("");
  printer.update(0.5, "restoring", 3.0);
  EXPECT_EQ(out.str(),
            "30%  db1-2: starting MariaDB  (1.0s)\n"
            "30%  db1-2  (2.0s)\n"
            "50%  restoring  (3.0s)\n");
}

TEST(CliProgressPrinter, LiveKeepsTheLabelWhenTheMessageIsCut) {
  std::ostringstream out;
  ProgressPrinter printer(out, /*live=*/true, 49);
  printer.set_label("replica-3");
  printer.update(0.58, "restoring the master's backup", 4.2);
  EXPECT_EQ(out.str(), "\r[#######.....] 58%  replica-3: restor...  (4.2s)\x1b[K");
}

}  // namespace
}  // namespace automat::cli
