#pragma once
// Root's connection to one MariaDB instance for replication work and
// database administration: SQL whose result is read back.
// MariaDbRootClient drives the mariadb client over the instance's unix
// socket; unit tests replace it with a scripted fake.
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
};

class MariaDbRootClient : public MysqlRootClient {
 public:
  // `image_location`: as for MariaDbServer (empty: the OS packages).
  // `sql_timeout` bounds query().
  MariaDbRootClient(MysqlLayout layout, std::string image_location,
                    std::chrono::milliseconds sql_timeout = std::chrono::seconds(60));

  std::string query(const SqlScript& script) override;

 private:
  std::string binary(const std::string& name) const;

  const MysqlLayout layout_;
  const std::string image_location_;
  const std::chrono::milliseconds sql_timeout_;
};

}  // namespace automat::datastores::mysql
