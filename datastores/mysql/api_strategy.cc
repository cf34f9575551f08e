#include "datastores/mysql/api_strategy.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "common/client_text.h"
#include "common/error.h"
#include "common/text.h"

namespace automat::datastores::mysql {
namespace {

constexpr std::array<std::string_view, 4> kReservedDatabases = {"mysql", "information_schema",
                                                                "performance_schema", "sys"};
constexpr std::array<std::string_view, 6> kReservedUsers = {
    "root", "mysql", "mariadb.sys", "mysql.sys", "mysql.session", "mysql.infoschema"};
// SHOW CHARACTER SET of MariaDB 10.11.
constexpr std::array<std::string_view, 41> kCharsets = {
    "armscii8", "ascii",  "big5",     "binary",  "cp1250",  "cp1251", "cp1256", "cp1257", "cp850",
    "cp852",    "cp866",  "cp932",    "dec8",    "eucjpms", "euckr",  "gb2312", "gbk",    "geostd8",
    "greek",    "hebrew", "hp8",      "keybcs2", "koi8r",   "koi8u",  "latin1", "latin2", "latin5",
    "latin7",   "macce",  "macroman", "sjis",    "swe7",    "tis620", "ucs2",   "ujis",   "utf16",
    "utf16le",  "utf32",  "utf8",     "utf8mb3", "utf8mb4"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

void check_ram(const db::Flavor& flavor, const db::DatastoreVersion& version,
               const std::string& field) {
  const int needed = std::max(MysqlApiStrategy::kMinRamMb, version.min_ram_mb);
  if (flavor.ram_mb >= needed) return;
  throw common::bad_request(field + ": flavor '" + flavor.name + "' has " +
                            std::to_string(flavor.ram_mb) + " MB of RAM; " +
                            version.datastore_name + " " + version.name + " needs at least " +
                            std::to_string(needed) + " MB");
}

void check_charset(const api::DatabaseSpec& db, const std::string& field) {
  const std::string charset = common::ascii_lower(db.character_set.value_or(""));
  const std::string collate = common::ascii_lower(db.collate.value_or(""));
  if (!charset.empty() && !contains(kCharsets, charset)) {
    throw common::bad_request(field + ".character_set " + common::in_quotes(charset) +
                              " is not a MariaDB character set");
  }
  if (collate.empty()) return;
  const std::string owner = collate == "binary" ? "binary" : collate.substr(0, collate.find('_'));
  if (!contains(kCharsets, owner) ||
      (collate != "binary" && collate.find('_') == std::string::npos)) {
    throw common::bad_request(field + ".collate " + common::in_quotes(collate) +
                              " is not a MariaDB collation");
  }
  // utf8 and utf8mb3 are one character set under two names.
  const bool same = owner == charset || (owner == "utf8" && charset == "utf8mb3") ||
                    (owner == "utf8mb3" && charset == "utf8");
  if (!charset.empty() && !same) {
    throw common::bad_request(field + ".collate " + common::in_quotes(collate) +
                              " does not belong to character set " + common::in_quotes(charset));
  }
}

void check_databases(const std::vector<api::DatabaseSpec>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = "instance.databases[" + std::to_string(i) + "]";
    const std::string& name = list[i].name;
    if (contains(kReservedDatabases, common::ascii_lower(name))) {
      throw common::bad_request(field + ".name " + common::in_quotes(name) +
                                " is reserved by MariaDB");
    }
    check_charset(list[i], field);
  }
}

void check_users(const std::vector<api::UserSpec>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& name = list[i].name;
    if (contains(kReservedUsers, common::ascii_lower(name))) {
      throw common::bad_request("instance.users[" + std::to_string(i) + "].name " +
                                common::in_quotes(name) + " is reserved by MariaDB");
    }
  }
}

}  // namespace

void MysqlApiStrategy::validate_instance_create(const api::InstanceCreateRequest& request,
                                                const db::Flavor& flavor,
                                                const db::DatastoreVersion& version) const {
  check_ram(flavor, version, "instance.flavorRef");
  check_databases(request.databases);
  check_users(request.users);
}

void MysqlApiStrategy::validate_flavor(const db::Flavor& flavor,
                                       const db::DatastoreVersion& version,
                                       const std::string& field) const {
  check_ram(flavor, version, field);
}

}  // namespace automat::datastores::mysql
