#pragma once
// Root's connection to one MariaDB instance for replication work: SQL whose
// result is read back, a consistent dump and its restore. MariaDbRootClient
// drives the mariadb / mariadb-dump clients over the instance's unix socket;
// unit tests replace it with a scripted fake.
#include <chrono>
#include <memory>
#include <string>

#include "datastores/mysql/guest_mysql_layout.h"
#include "datastores/mysql/guest_mysql_sql.h"

namespace automat::datastores::mysql {

class MysqlRootClient {
 public:
  virtual ~MysqlRootClient() = default;
  // Runs `script` as root, stopping at the first error, and returns the
  // client's --batch output (column names, then tab-separated rows). SQL goes
  // on stdin. Throws common::Error(kInternal) with the server's message,
  // secrets redacted.
  virtual std::string query(const SqlScript& script) = 0;
  // Writes a consistent dump of every database (users included) to `path`,
  // an existing file it truncates, ending with the source's GTID position as
  // a "-- SET GLOBAL gtid_slave_pos='...';" comment. Requires binary logging.
  // Throws common::Error(kInternal) with the client's message.
  virtual void dump_all(const std::string& path) = 0;
  // Runs the dump at `path` as root with binary logging off for the session,
  // stopping at the first error, then reloads the privilege tables.
  // Throws common::Error(kInternal) with the client's message.
  virtual void restore(const std::string& path) = 0;
};

class MariaDbRootClient : public MysqlRootClient {
 public:
  // `image_location`: as for MariaDbServer (empty: the OS packages).
  // `sql_timeout` bounds query(); `bulk_timeout` bounds dump and restore.
  MariaDbRootClient(MysqlLayout layout, std::string image_location,
                    std::chrono::milliseconds sql_timeout = std::chrono::seconds(60),
                    std::chrono::milliseconds bulk_timeout = std::chrono::hours(2));

  std::string query(const SqlScript& script) override;
  void dump_all(const std::string& path) override;
  void restore(const std::string& path) override;

 private:
  std::string binary(const std::string& name) const;

  const MysqlLayout layout_;
  const std::string image_location_;
  const std::chrono::milliseconds sql_timeout_;
  const std::chrono::milliseconds bulk_timeout_;
};

}  // namespace automat::datastores::mysql
