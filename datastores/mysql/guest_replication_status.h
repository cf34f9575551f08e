#pragma once
// Reading what MariaDB says about replication: the mariadb client's --batch
// output (SHOW SLAVE STATUS, single-value queries).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "automat/guest.pb.h"
#include "datastores/mysql/mysql_guest.pb.h"

namespace automat::datastores::mysql {

// The degraded status (DatastoreReport.degraded_status) of a replica whose
// replication stopped on an error; as every degraded status, it ends in
// common::service_status::kDegradedSuffix, so users see ERROR.
inline constexpr const char* kReplicationError = "REPLICATION_ERROR";

using BatchRow = std::map<std::string, std::string>;

// The rows of one result set printed by `mariadb --batch` with column names:
// a header line, then one line per row, fields separated by tabs, with \t,
// \n, \\ and \0 escaped in values (unescaped here); NULL stays "NULL".
// Empty output (a statement without a result) gives no rows. Throws
// common::Error(kInternal) when a row has a different number of fields
// than the header.
std::vector<BatchRow> parse_batch_rows(const std::string& output);

// The value of `column` in the only row of `output`. Throws
// common::Error(kInternal) naming `what` when there is no such single row.
std::string single_value(const std::string& output, const std::string& column,
                         const std::string& what);

// Replication health from SHOW SLAVE STATUS in --batch form; nullopt when
// the server has no replication configured (empty result).
// seconds_behind is -1 when the server does not know (NULL); last_error is
// the SQL thread's error, else the I/O thread's, prefixed with the thread.
std::optional<proto::mysql::ReplicationHealth> parse_slave_status(const std::string& output);

// What a MySQL node reports (DatastoreReport) given its replication health
// (nullopt on a source or while it cannot be read): the health packed as a
// NodeReport; a replication stopped on an error is also the fault
// ("replication stopped: <error>") and the degraded status
// REPLICATION_ERROR, which the heartbeat shows instead of RUNNING.
proto::DatastoreReport replica_report(const std::optional<proto::mysql::ReplicationHealth>& health);

}  // namespace automat::datastores::mysql
