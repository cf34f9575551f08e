#pragma once
// Aligned text tables in the style of the openstack CLI:
//   +----+------+
//   | ID | Name |
//   +----+------+
//   | 1  | db1  |
//   +----+------+
// A cell may hold several lines ("\n"); its row grows to fit them.
#include <string>
#include <vector>

namespace automat::cli {

struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;  // each as long as headers
};

// The table as text, one "\n"-terminated line per border or text line.
// Widths count UTF-8 characters, not bytes. Missing cells render empty.
std::string render_table(const Table& table);

// A two-column "Field | Value" table for one object.
Table field_value_table(const std::vector<std::pair<std::string, std::string>>& fields);

// Display width of UTF-8 `text` (one per code point; no wide-glyph handling).
size_t display_width(const std::string& text);

}  // namespace automat::cli
