// LocalDriver::footprints: what the local driver finds of every server by
// looking at <state_dir>/instances, the process table and the address leases.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <map>

#include "compute/local/local_driver.h"

namespace automat::compute::local {
namespace {

namespace fs = std::filesystem;

bool plain_entry_name(const std::string& id) {
  if (id.empty() || id.size() > 128 || id[0] == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// The instance id an argument names a file of ("<root>/<id>/..."), or "".
std::string instance_named(const std::string& arg, const std::string& root) {
  const std::string prefix = root + "/";
  const auto at = arg.find(prefix);
  if (at == std::string::npos) return "";
  const std::string rest = arg.substr(at + prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos) return "";
  const std::string id = rest.substr(0, slash);
  return plain_entry_name(id) ? id : "";
}

std::string program_of(const common::ProcessIdentity& p) {
  if (p.args.empty()) return "?";
  return fs::path(p.args[0]).filename().string();
}

}  // namespace

std::vector<Footprint> LocalDriver::footprints() {
  const std::string root = (fs::path(options_.state_dir) / "instances").string();
  std::map<std::string, std::optional<db::AddressLease>> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    std::error_code type_ec;
    if (plain_entry_name(name) && entry.is_directory(type_ec)) ids[name];
  }
  const auto table = common::process_table();
  for (const auto& p : table) {
    for (const auto& arg : p.args) {
      const std::string id = instance_named(arg, root);
      if (!id.empty()) ids[id];
    }
  }
  for (const auto& lease : leases_.list()) ids[lease.instance_id] = lease;

  std::vector<Footprint> out;
  for (const auto& [id, lease] : ids) {
    Footprint fp = footprint(id, table, lease);
    if (fp.directory.empty() && fp.processes.empty() && fp.address.empty()) continue;
    out.push_back(std::move(fp));
  }
  return out;
}

Footprint LocalDriver::footprint(const std::string& instance_id,
                                 const std::vector<common::ProcessIdentity>& table,
                                 const std::optional<db::AddressLease>& lease) const {
  Footprint fp;
  fp.instance_id = instance_id;
  std::optional<std::chrono::seconds> youngest;
  auto saw = [&](std::chrono::seconds age) {
    youngest = youngest ? std::min(*youngest, age) : age;
  };
  if (lease) {
    fp.address = lease->address;
    saw(lease->age);
  }
  if (!plain_entry_name(instance_id)) {
    fp.age = youngest.value_or(std::chrono::seconds(0));
    return fp;  // only a lease can carry such an id
  }
  const std::string dir = instance_dir(instance_id);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    fp.directory = dir;
    saw(std::chrono::seconds(std::max<long long>(0, std::time(nullptr) - st.st_mtime)));
  }
  const auto sids = guest_sessions(instance_id, table);
  std::optional<std::chrono::seconds> oldest_process;
  for (const auto& p : table) {
    if (std::find(sids.begin(), sids.end(), p.session) == sids.end()) continue;
    fp.processes.push_back(std::to_string(p.pid) + " " + program_of(p));
    const auto age = common::process_age(p.start_ticks);
    oldest_process = oldest_process ? std::max(*oldest_process, age) : age;
  }
  if (oldest_process) saw(*oldest_process);
  fp.age = youngest.value_or(std::chrono::seconds(0));
  return fp;
}

}  // namespace automat::compute::local
