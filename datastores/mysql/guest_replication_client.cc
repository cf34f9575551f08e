#include "datastores/mysql/guest_replication_client.h"

#include <vector>

#include "common/error.h"
#include "datastores/mysql/guest_mysql_binaries.h"
#include "guestagent/child_process.h"

namespace automat::datastores::mysql {
namespace {

std::string failure(const std::string& what, const guestagent::CommandResult& r,
                    const std::vector<std::string>& secrets) {
  // A failing statement is echoed whole; its end carries the message.
  constexpr size_t kMaxShown = 2000;
  std::string shown = redact(guestagent::tail_lines(r.output, 5), secrets);
  if (shown.size() > kMaxShown) shown = "..." + shown.substr(shown.size() - kMaxShown);
  return what + " failed" + (r.timed_out ? std::string(" (timed out)") : std::string()) + ": " +
         shown;
}

}  // namespace

MariaDbRootClient::MariaDbRootClient(MysqlLayout layout, std::string image_location,
                                     std::chrono::milliseconds sql_timeout)
    : layout_(std::move(layout)),
      image_location_(std::move(image_location)),
      sql_timeout_(sql_timeout) {}

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

}  // namespace automat::datastores::mysql
