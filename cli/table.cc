#include "cli/table.h"

#include <algorithm>
#include <sstream>

namespace automat::cli {
namespace {

std::vector<std::string> split_lines(const std::string& cell) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(cell);
  while (std::getline(in, line)) lines.push_back(line);
  if (lines.empty()) lines.emplace_back();
  return lines;
}

std::string border(const std::vector<size_t>& widths) {
  std::string line = "+";
  for (size_t width : widths) line += std::string(width + 2, '-') + "+";
  return line + "\n";
}

// One row (possibly several text lines tall), cells padded to `widths`.
std::string text_row(const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
  std::vector<std::vector<std::string>> lines;
  size_t height = 1;
  for (size_t i = 0; i < widths.size(); ++i) {
    lines.push_back(split_lines(i < cells.size() ? cells[i] : ""));
    height = std::max(height, lines.back().size());
  }
  std::string out;
  for (size_t row = 0; row < height; ++row) {
    out += "|";
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string text = row < lines[i].size() ? lines[i][row] : "";
      out += " " + text + std::string(widths[i] - display_width(text), ' ') + " |";
    }
    out += "\n";
  }
  return out;
}

std::vector<size_t> column_widths(const Table& table) {
  std::vector<size_t> widths;
  for (const auto& header : table.headers) widths.push_back(display_width(header));
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < widths.size() && i < row.size(); ++i) {
      for (const auto& line : split_lines(row[i])) {
        widths[i] = std::max(widths[i], display_width(line));
      }
    }
  }
  return widths;
}

}  // namespace

size_t display_width(const std::string& text) {
  // Count every byte that does not continue a multi-byte sequence.
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string render_table(const Table& table) {
  std::vector<size_t> widths = column_widths(table);
  std::string line = border(widths);
  std::string out = line + text_row(table.headers, widths) + line;
  for (const auto& row : table.rows) out += text_row(row, widths);
  if (!table.rows.empty()) out += line;
  return out;
}

Table field_value_table(const std::vector<std::pair<std::string, std::string>>& fields) {
  Table table{{"Field", "Value"}, {}};
  for (const auto& [field, value] : fields) table.rows.push_back({field, value});
  return table;
}

}  // namespace automat::cli
