#include "datastores/mysql/guest_replication_status.h"

#include <charconv>

#include "common/error.h"

namespace automat::datastores::mysql {
namespace {

std::string unescape(const std::string& field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\' || i + 1 == field.size()) {
      out += field[i];
      continue;
    }
    switch (field[++i]) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case '0':
        out += '\0';
        break;
      default:
        out += field[i];  // "\\" and anything else: the character itself
    }
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string field(const BatchRow& row, const std::string& name) {
  const auto it = row.find(name);
  if (it == row.end()) {
    throw common::internal_error("SHOW SLAVE STATUS has no " + name + " column");
  }
  return it->second;
}

int64_t seconds_behind(const std::string& value) {
  int64_t n = -1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < 0) return -1;
  return n;
}

}  // namespace

std::vector<BatchRow> parse_batch_rows(const std::string& output) {
  const std::vector<std::string> lines = lines_of(output);
  std::vector<BatchRow> rows;
  if (lines.empty()) return rows;
  const std::vector<std::string> header = split_tabs(lines[0]);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> values = split_tabs(lines[i]);
    if (values.size() != header.size()) {
      throw common::internal_error("unexpected output from the mariadb client: row " +
                                   std::to_string(i) + " has " + std::to_string(values.size()) +
                                   " fields, the header " + std::to_string(header.size()));
    }
    BatchRow row;
    for (size_t c = 0; c < header.size(); ++c) row[header[c]] = unescape(values[c]);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string single_value(const std::string& output, const std::string& column,
                         const std::string& what) {
  const auto rows = parse_batch_rows(output);
  if (rows.size() != 1 || !rows[0].contains(column)) {
    throw common::internal_error("could not read " + what + " from the MariaDB server (got " +
                                 std::to_string(rows.size()) + " rows)");
  }
  return rows[0].at(column);
}

std::optional<proto::mysql::ReplicationHealth> parse_slave_status(const std::string& output) {
  const auto rows = parse_batch_rows(output);
  if (rows.empty()) return std::nullopt;
  if (rows.size() != 1) {
    throw common::internal_error("SHOW SLAVE STATUS returned " + std::to_string(rows.size()) +
                                 " rows; only the default connection is supported");
  }
  const BatchRow& row = rows[0];
  proto::mysql::ReplicationHealth h;
  h.set_io_running(field(row, "Slave_IO_Running") == "Yes");
  h.set_sql_running(field(row, "Slave_SQL_Running") == "Yes");
  h.set_seconds_behind(seconds_behind(field(row, "Seconds_Behind_Master")));
  const std::string sql_error = field(row, "Last_SQL_Error");
  const std::string io_error = field(row, "Last_IO_Error");
  if (!sql_error.empty()) {
    h.set_last_error("replication SQL thread: " + sql_error);
  } else if (!io_error.empty()) {
    h.set_last_error("replication I/O thread: " + io_error);
  }
  return h;
}

proto::DatastoreReport replica_report(
    const std::optional<proto::mysql::ReplicationHealth>& health) {
  proto::DatastoreReport out;
  if (!health) return out;
  proto::mysql::NodeReport node;
  *node.mutable_replication() = *health;
  out.mutable_datastore()->PackFrom(node);
  const bool stopped = !health->io_running() || !health->sql_running();
  if (stopped && !health->last_error().empty()) {
    out.set_fault("replication stopped: " + health->last_error());
    out.set_degraded_status(kReplicationError);
  }
  return out;
}

}  // namespace automat::datastores::mysql
