#include "datastores/mysql/guest_seed_copies.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRecordFile = "backup.json";
constexpr const char* kCopyDir = "copy";

// What a key's backup.json says.
struct CopyRecord {
  std::string path;
  std::string gtid;
  std::set<std::string> holders;
};

// The key's record, if it names a copy still on disk. Records of the dumps
// earlier guests took (no format) name none.
std::optional<CopyRecord> read_record(const fs::path& key_dir) {
  const auto text = common::read_file((key_dir / kRecordFile).string());
  if (!text) return std::nullopt;
  const auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || doc.value("format", "") != kPhysicalCopyFormat) return std::nullopt;
  CopyRecord r;
  r.path = doc.value("path", "");
  r.gtid = doc.value("gtid", "");
  if (doc.contains("holders") && doc["holders"].is_array()) {
    for (const auto& h : doc["holders"]) {
      if (h.is_string()) r.holders.insert(h.get<std::string>());
    }
  }
  if (r.path.empty() || !fs::is_directory(r.path)) return std::nullopt;
  return r;
}

void write_record(const fs::path& key_dir, const CopyRecord& r) {
  const nlohmann::json doc{
      {"path", r.path}, {"gtid", r.gtid}, {"format", kPhysicalCopyFormat}, {"holders", r.holders}};
  common::write_file_atomically((key_dir / kRecordFile).string(), doc.dump(), 0600);
}

std::string holders_text(const std::set<std::string>& holders) {
  std::string out;
  for (const auto& h : holders) out += (out.empty() ? "" : ",") + h;
  return out;
}

// Keys name a directory: [a-z0-9-], 1..64 characters.
void validate_key(const std::string& key) {
  const bool ok =
      !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
  if (!ok) throw common::bad_request("backup key '" + key + "' must be 1-64 of [a-z0-9-]");
}

}  // namespace

SeedCopies::SeedCopies(std::string area, std::string instance_id)
    : area_(std::move(area)), instance_id_(std::move(instance_id)) {}

SeedCopies::Copy SeedCopies::take(const std::string& key, const std::string& holder,
                                  const Maker& make) {
  validate_key(key);
  const fs::path dir = fs::path(area_) / key;
  if (auto record = read_record(dir)) {
    // Another replica of the same batch took it already, or this is a retry.
    if (!holder.empty() && record->holders.insert(holder).second) write_record(dir, *record);
    return {record->path, record->gtid};
  }
  remove_stale(key);
  std::error_code ec;
  fs::remove_all(dir, ec);  // a partial copy of a crashed attempt, or an old dump
  fs::create_directories(dir, ec);
  if (ec) throw common::internal_error("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  CopyRecord record;
  record.path = (dir / kCopyDir).string();
  try {
    record.gtid = make(record.path).gtid;
    if (!holder.empty()) record.holders.insert(holder);
    write_record(dir, record);  // last: the copy is complete
  } catch (...) {
    fs::remove_all(dir, ec);
    throw;
  }
  common::log::info("mysql.seed_copy.taken", {{"instance", instance_id_},
                                              {"key", key},
                                              {"path", record.path},
                                              {"gtid", record.gtid},
                                              {"holders", holders_text(record.holders)}});
  return {record.path, record.gtid};
}

void SeedCopies::release(const std::string& key, const std::string& holder) {
  validate_key(key);
  if (holder.empty()) throw common::bad_request("releasing a copy needs its holder");
  const fs::path dir = fs::path(area_) / key;
  if (auto record = read_record(dir)) {
    record->holders.erase(holder);
    if (!record->holders.empty()) {
      write_record(dir, *record);
      common::log::info("mysql.seed_copy.released", {{"instance", instance_id_},
                                                     {"key", key},
                                                     {"holder", holder},
                                                     {"holders", holders_text(record->holders)}});
      return;
    }
  }
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  fs::remove_all(dir, ec);
  if (ec) throw common::internal_error("cannot remove " + dir.string() + ": " + ec.message());
  common::log::info("mysql.seed_copy.removed",
                    {{"instance", instance_id_}, {"key", key}, {"holder", holder}});
}

void SeedCopies::remove_stale(const std::string& key) {
  std::error_code ec;
  if (!fs::is_directory(area_, ec)) return;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(area_, ec)) {
    if (entry.path().filename() == key) continue;
    const auto record = read_record(entry.path());
    const bool held = record && !record->holders.empty();
    std::error_code age_ec;
    const auto written = fs::last_write_time(entry.path() / kRecordFile, age_ec);
    if (held && !age_ec && now - written < kHeldLifetime) continue;
    std::error_code rm_ec;
    fs::remove_all(entry.path(), rm_ec);
    common::log::info("mysql.seed_copy.removed", {{"instance", instance_id_},
                                                  {"key", entry.path().filename().string()},
                                                  {"reason", held ? "abandoned" : "unheld"}});
  }
}

}  // namespace automat::datastores::mysql
