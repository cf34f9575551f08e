#pragma once
// Progress display for --wait: a live one-line bar on a terminal, plain
// lines otherwise. The renderers are pure functions, tested on their own.
#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace automat::cli {

// "[#######.....] 58%  starting MariaDB  (4.2s)" fitted into `width`
// characters: the bar takes width/4 cells (10..30), `fraction` is clamped to
// 0..1, control characters in `message` become spaces, and a message too long
// for the line is cut with "..." (dropped entirely when fewer than 4
// characters are left for it).
std::string render_progress_bar(double fraction, std::string_view message, double elapsed_seconds,
                                int width);

// The same facts for a log or pipe: "58%  starting MariaDB  (4.2s)".
std::string render_progress_line(double fraction, std::string_view message, double elapsed_seconds);

// "4.2s" under a minute, "1m05s" from then on.
std::string format_elapsed(double elapsed_seconds);

// Writes progress updates to `out`. Live: redraws one line in place
// ("\r...\x1b[K"). Plain: prints a line when the percent or message changed,
// or `plain_interval` passed since the last line.
class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool live, int width,
                  std::chrono::seconds plain_interval = std::chrono::seconds(10));
  void update(double fraction, std::string_view message, double elapsed_seconds);
  // Later updates show "<label>: <message>" (just the label for an empty
  // message), to tell several operations apart; "" shows messages as they are.
  void set_label(std::string label) { label_ = std::move(label); }
  // Ends the live line (newline) so later output starts on a fresh line.
  void finish();

 private:
  std::ostream& out_;
  bool live_;
  int width_;
  double plain_interval_;
  bool drawn_ = false;
  int last_percent_ = -1;
  std::string last_message_;
  std::string label_;
  double last_line_at_ = 0;
};

}  // namespace automat::cli
