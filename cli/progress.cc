#include "cli/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/table.h"

namespace automat::cli {
namespace {

constexpr const char* kEllipsis = "...";

int percent_of(double fraction) {
  if (!std::isfinite(fraction)) fraction = 0;
  return static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * 100));
}

std::string printable(std::string_view message) {
  std::string out(message);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

// The first `count` UTF-8 characters of `text`.
std::string utf8_prefix(const std::string& text, size_t count) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == count) return text.substr(0, i);
      ++seen;
    }
  }
  return text;
}

std::string bar(double fraction, int cells) {
  double clamped = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  int filled = static_cast<int>(std::lround(clamped * cells));
  return "[" + std::string(filled, '#') + std::string(cells - filled, '.') + "]";
}

// "<label>: <message>", or whichever of the two is not empty.
std::string with_label(const std::string& label, std::string_view message) {
  if (label.empty()) return std::string(message);
  return message.empty() ? label : label + ": " + std::string(message);
}

}  // namespace

std::string format_elapsed(double elapsed_seconds) {
  char text[32];
  if (!std::isfinite(elapsed_seconds) || elapsed_seconds < 0) elapsed_seconds = 0;
  if (elapsed_seconds < 60) {
    std::snprintf(text, sizeof text, "%.1fs", elapsed_seconds);
  } else {
    long whole = static_cast<long>(elapsed_seconds);
    std::snprintf(text, sizeof text, "%ldm%02lds", whole / 60, whole % 60);
  }
  return text;
}

std::string render_progress_bar(double fraction, std::string_view message, double elapsed_seconds,
                                int width) {
  int cells = std::clamp(width / 4, 10, 30);
  std::string head = bar(fraction, cells) + " " + std::to_string(percent_of(fraction)) + "%";
  std::string tail = "(" + format_elapsed(elapsed_seconds) + ")";
  std::string text = printable(message);
  // head + "  " + message + "  " + tail must fit in width.
  long room = static_cast<long>(width) - static_cast<long>(head.size() + tail.size() + 4);
  if (text.empty() || room < 4) return head + "  " + tail;
  if (display_width(text) > static_cast<size_t>(room)) {
    text = utf8_prefix(text, static_cast<size_t>(room) - 3) + kEllipsis;
  }
  return head + "  " + text + "  " + tail;
}

std::string render_progress_line(double fraction, std::string_view message,
                                 double elapsed_seconds) {
  std::string line = std::to_string(percent_of(fraction)) + "%  ";
  std::string text = printable(message);
  if (!text.empty()) line += text + "  ";
  return line + "(" + format_elapsed(elapsed_seconds) + ")";
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool live, int width,
                                 std::chrono::seconds plain_interval)
    : out_(out),
      live_(live),
      width_(width),
      plain_interval_(static_cast<double>(plain_interval.count())) {}

void ProgressPrinter::update(double fraction, std::string_view raw_message,
                             double elapsed_seconds) {
  const std::string message = with_label(label_, raw_message);
  if (live_) {
    // Leave the last column free: some terminals wrap when it is written.
    out_ << "\r" << render_progress_bar(fraction, message, elapsed_seconds, width_ - 1) << "\x1b[K"
         << std::flush;
    drawn_ = true;
    return;
  }
  int percent = percent_of(fraction);
  bool changed = percent != last_percent_ || message != last_message_;
  if (!changed && elapsed_seconds - last_line_at_ < plain_interval_) return;
  out_ << render_progress_line(fraction, message, elapsed_seconds) << "\n" << std::flush;
  last_percent_ = percent;
  last_message_ = message;
  last_line_at_ = elapsed_seconds;
}

void ProgressPrinter::finish() {
  if (live_ && drawn_) out_ << "\n" << std::flush;
  drawn_ = false;
}

}  // namespace automat::cli
