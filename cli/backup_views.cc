#include "cli/backup_views.h"

#include <cmath>
#include <cstdio>
#include <iterator>

#include "cli/json_fields.h"
#include "cli/views.h"

namespace automat::cli {

std::string backup_size_text(const nlohmann::json& size_gb) {
  if (!size_gb.is_number()) return "";
  double size = size_gb.get<double>();
  if (!std::isfinite(size) || size < 0) return "";
  static constexpr const char* kUnits[] = {"KB", "MB", "GB", "TB", "PB"};
  // Start from KB so a tiny backup still shows as more than "0.0 GB".
  double value = size * 1024 * 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

namespace {

std::string size_of(const nlohmann::json& backup) {
  return backup.is_object() && backup.contains("size") ? backup_size_text(backup["size"]) : "";
}

std::string percent_of(const nlohmann::json& backup) {
  if (!backup.is_object() || !backup.contains("progress")) return "";
  return std::to_string(std::lround(field_number(backup, "progress", 0) * 100)) + "%";
}

}  // namespace

Table backup_list_table(const nlohmann::json& backups) {
  Table table{
      {"ID", "Name", "Instance/Cluster ID", "Datastore", "Status", "Size", "Parent ID", "Created"},
      {}};
  for (const auto& backup : array_items(backups)) {
    std::string owner = field_text(backup, "instance_id");
    if (owner.empty()) owner = field_text(backup, "cluster_id");
    table.rows.push_back({field_text(backup, "id"), field_text(backup, "name"), owner,
                          field_text(field_json(backup, "datastore"), "type"),
                          field_text(backup, "status"), size_of(backup),
                          field_text(backup, "parent_id"), field_text(backup, "created")});
  }
  return table;
}

Table backup_table(const nlohmann::json& backup) {
  nlohmann::json datastore = field_json(backup, "datastore");
  return field_value_table({
      {"id", field_text(backup, "id")},
      {"name", field_text(backup, "name")},
      {"description", field_text(backup, "description")},
      {"status", field_text(backup, "status")},
      {"progress", percent_of(backup)},
      {"instance_id", field_text(backup, "instance_id")},
      {"cluster_id", field_text(backup, "cluster_id")},
      {"parent_id", field_text(backup, "parent_id")},
      {"datastore", field_text(datastore, "type")},
      {"datastore_version", field_text(datastore, "version")},
      {"size", size_of(backup)},
      {"uploaded_bytes", field_text(backup, "uploaded_bytes")},
      {"locationRef", field_text(backup, "locationRef")},
      {"errors", errors_text(field_json(backup, "errors"))},
      {"operation", field_text(backup, "operation_id")},
      {"created", field_text(backup, "created")},
      {"updated", field_text(backup, "updated")},
  });
}

Table backup_schedule_table(const nlohmann::json& schedule) {
  const std::string daily_at = field_text(schedule, "daily_at");
  const bool of_cluster = schedule.contains("cluster_id");
  return field_value_table({
      {of_cluster ? "cluster_id" : "instance_id",
       field_text(schedule, of_cluster ? "cluster_id" : "instance_id")},
      {daily_at.empty() ? "interval" : "daily_at",
       daily_at.empty() ? field_text(schedule, "interval") : daily_at + " UTC"},
      {"retention", field_text(schedule, "retention")},
      {"next_run", field_text(schedule, "next_run")},
      {"last_run", field_text(schedule, "last_run")},
      {"last_backup_id", field_text(schedule, "last_backup_id")},
      {"last_error", field_text(schedule, "last_error")},
  });
}

std::string backup_errors_lines(const nlohmann::json& backup) {
  std::string text = errors_text(field_json(backup, "errors"));
  if (text.empty()) return "";
  std::string lines = "  ";
  for (char c : text) {
    lines += c;
    if (c == '\n') lines += "  ";
  }
  return lines + "\n";
}

}  // namespace automat::cli
