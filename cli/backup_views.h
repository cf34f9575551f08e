#pragma once
// Backups as tables. Pure: JSON in, Table out; fields the server left out
// (or null) show as empty cells.
#include <nlohmann/json.hpp>
#include <string>

#include "cli/table.h"

namespace automat::cli {

// A backup's "size" (GB, fractional) for people: "512.0 MB", "2.5 GB",
// "1.2 TB" (units of 1024), "" for null or a missing size (not COMPLETED).
std::string backup_size_text(const nlohmann::json& size_gb);

// Columns: ID, Name, Instance ID, Datastore, Status, Size, Parent ID,
// Created. `backups` is the array of GET /backups.
Table backup_list_table(const nlohmann::json& backups);

// Field/Value rows of one backup view: progress as a percent, size as
// backup_size_text, errors one "host: message" line each.
Table backup_table(const nlohmann::json& backup);

// Field/Value rows of a backup schedule view: its instance_id or
// cluster_id, its rule (interval or daily_at, UTC), retention, next and last
// run, last backup and last error.
Table backup_schedule_table(const nlohmann::json& schedule);

// The errors of a backup view as lines "  <host>: <message>\n"; "" when none.
std::string backup_errors_lines(const nlohmann::json& backup);

}  // namespace automat::cli
