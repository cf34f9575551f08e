#pragma once
// A fresh PostgreSQL database for one test process, migrated to the current
// schema. Reads the superuser DSN from AUTOMAT_TEST_DATABASE_URL (a test
// using it fails, never skips, when that is unset), creates
// automat_it_<random>, and drops it when the process exits.
//
//   auto& db = automat::testing::PgTestDb::get();
//   automat::db::PgInstanceRepository instances(db.pool());
//
// Link automat_db.
#include <cstdlib>
#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

#include "common/crypto.h"
#include "db/migrator.h"
#include "db/pool.h"

namespace automat::testing {

class PgTestDb {
 public:
  // The process-wide test database, created on first use.
  static PgTestDb& get() {
    static PgTestDb db;
    return db;
  }

  // The superuser DSN from the environment; throws when it is unset.
  static std::string admin_dsn() {
    const char* url = std::getenv("AUTOMAT_TEST_DATABASE_URL");
    if (!url || !*url) {
      throw std::runtime_error("AUTOMAT_TEST_DATABASE_URL is not set (./run_tests.sh sets it)");
    }
    return url;
  }

  // `dsn` pointed at database `name` (libpq URI or key=value form).
  static std::string with_database(const std::string& dsn, const std::string& name) {
    if (dsn.rfind("postgresql://", 0) == 0 || dsn.rfind("postgres://", 0) == 0) {
      const size_t authority = dsn.find("://") + 3;
      const size_t query = dsn.find('?', authority);
      const size_t slash = dsn.find('/', authority);
      const std::string params = query == std::string::npos ? "" : dsn.substr(query);
      const size_t host_end = slash != std::string::npos && slash < query ? slash : query;
      return dsn.substr(0, host_end) + "/" + name + params;
    }
    return dsn + " dbname=" + name;
  }

  const std::string& name() const { return name_; }
  const std::string& dsn() const { return dsn_; }
  // A pool of 8 connections on the test database.
  db::ConnectionPool& pool() { return *pool_; }

  // Runs `sql` on a fresh connection, for assertions on raw rows.
  pqxx::result query(const std::string& sql) {
    pqxx::connection c(dsn_);
    pqxx::nontransaction t(c);
    return t.exec(sql);
  }

  ~PgTestDb() {
    pool_.reset();
    try {
      pqxx::connection c(admin_dsn_);
      pqxx::nontransaction t(c);
      t.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The process is exiting; a leftover database is harmless.
    }
  }

  PgTestDb(const PgTestDb&) = delete;
  PgTestDb& operator=(const PgTestDb&) = delete;

 private:
  PgTestDb() : admin_dsn_(admin_dsn()), name_("automat_it_" + common::crypto::random_hex(6)) {
    {
      pqxx::connection c(admin_dsn_);
      pqxx::nontransaction t(c);
      t.exec("CREATE DATABASE " + name_);
    }
    dsn_ = with_database(admin_dsn_, name_);
    pool_ = std::make_unique<db::ConnectionPool>(dsn_, 8);
    db::Migrator(*pool_).sync();
  }

  std::string admin_dsn_;
  std::string name_;
  std::string dsn_;
  std::unique_ptr<db::ConnectionPool> pool_;
};

}  // namespace automat::testing
