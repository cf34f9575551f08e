#include "datastores/mysql/guest_replication_client.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "datastores/mysql/guest_mysql_binaries.h"
#include "guestagent/child_process.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;

std::string failure(const std::string& what, const guestagent::CommandResult& r,
                    const std::vector<std::string>& secrets) {
  // A failing dump statement is echoed whole; its end carries the message.
  constexpr size_t kMaxShown = 2000;
  std::string shown = redact(guestagent::tail_lines(r.output, 5), secrets);
  if (shown.size() > kMaxShown) shown = "..." + shown.substr(shown.size() - kMaxShown);
  return what + " failed" + (r.timed_out ? std::string(" (timed out)") : std::string()) + ": " +
         shown;
}

}  // namespace

MariaDbRootClient::MariaDbRootClient(MysqlLayout layout, std::string image_location,
                                     std::chrono::milliseconds sql_timeout,
                                     std::chrono::milliseconds bulk_timeout)
    : layout_(std::move(layout)),
      image_location_(std::move(image_location)),
      sql_timeout_(sql_timeout),
      bulk_timeout_(bulk_timeout) {}

std::string MariaDbRootClient::binary(const std::string& name) const {
  return find_mariadb_binary(name, image_location_, "mariadb-client");
}

std::string MariaDbRootClient::query(const SqlScript& script) {
  const auto r =
      guestagent::run_command({binary("mariadb"), "--no-defaults", "--socket=" + layout_.socket,
                               "--user=root", "--batch", "--skip-reconnect"},
                              script.text, sql_timeout_);
  if (!r.ok())
    throw common::internal_error(failure("SQL on the MariaDB server", r, script.secrets));
  return r.output;
}

void MariaDbRootClient::dump_all(const std::string& path) {
  const auto r = guestagent::run_command(
      {binary("mariadb-dump"), "--no-defaults", "--socket=" + layout_.socket, "--user=root",
       "--single-transaction", "--master-data=2", "--gtid", "--all-databases", "--routines",
       "--events", "--triggers", "--hex-blob", "--flush-privileges",
       // The server's own schema and help text: every install has its copy.
       "--ignore-database=sys", "--ignore-table=mysql.help_topic",
       "--ignore-table=mysql.help_keyword", "--ignore-table=mysql.help_relation",
       "--ignore-table=mysql.help_category", "--result-file=" + path},
      "", bulk_timeout_);
  if (!r.ok()) throw common::internal_error(failure("mariadb-dump", r, {}));
}

void MariaDbRootClient::restore(const std::string& path) {
  if (path.find_first_of("\n\r") != std::string::npos) {
    throw common::bad_request("backup path must not contain line breaks");
  }
  // `source` keeps the dump off stdin's string; --abort-source-on-error
  // makes the first failing statement end the client with an error.
  const std::string script =
      "SET SESSION sql_log_bin = 0;\nsource " + path + "\nFLUSH PRIVILEGES;\n";
  const auto r = guestagent::run_command(
      {binary("mariadb"), "--no-defaults", "--socket=" + layout_.socket, "--user=root", "--batch",
       "--skip-reconnect", "--abort-source-on-error"},
      script, bulk_timeout_);
  if (!r.ok()) throw common::internal_error(failure("restoring " + path, r, {}));
}

}  // namespace automat::datastores::mysql
