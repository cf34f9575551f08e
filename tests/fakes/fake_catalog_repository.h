#pragma once
// See fake_repository_base.h for how the fakes behave.
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeCatalogRepository : public db::CatalogRepository, public FakeBase {
 public:
  // Datastores by id; their `versions` member is ignored here and filled
  // from `versions` on every read.
  std::map<std::string, db::Datastore> datastores;
  std::map<std::string, db::DatastoreVersion> versions;  // by id
  std::map<std::string, db::Flavor> flavors;             // by id

  std::vector<db::Datastore> list_datastores() override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    std::vector<db::Datastore> out;
    for (const auto& [id, ds] : datastores) out.push_back(with_versions(ds));
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return out;
  }

  std::optional<db::Datastore> find_datastore(const std::string& name_or_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const db::Datastore* ds = lookup_datastore(name_or_id);
    if (!ds) return std::nullopt;
    return with_versions(*ds);
  }

  std::optional<db::DatastoreVersion> find_version(const std::string& datastore_name_or_id,
                                                   const std::string& version) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const db::Datastore* ds = lookup_datastore(datastore_name_or_id);
    if (!ds) return std::nullopt;
    for (const auto& [id, v] : versions) {
      if (v.datastore_id == ds->id && v.id == version) return filled(v);
    }
    for (const auto& [id, v] : versions) {
      if (v.datastore_id == ds->id && v.name == version) return filled(v);
    }
    return std::nullopt;
  }

  std::optional<db::DatastoreVersion> find_version_by_id(const std::string& version_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = versions.find(version_id);
    if (it == versions.end()) return std::nullopt;
    return filled(it->second);
  }

  std::string register_version(const std::string& datastore_name,
                               const db::DatastoreVersion& version, bool make_default) override {
    if (datastore_name.empty() || version.name.empty() || version.manager.empty()) {
      throw common::bad_request("datastore name, version name and manager are required");
    }
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Datastore* ds = nullptr;
    for (auto& [id, d] : datastores) {
      if (d.name == datastore_name) ds = &d;
    }
    if (!ds) {
      const std::string id = common::crypto::uuid4();
      ds = &datastores[id];
      ds->id = id;
      ds->name = datastore_name;
    }
    db::DatastoreVersion v = version;
    v.datastore_id = ds->id;
    v.datastore_name = ds->name;
    v.id.clear();
    for (const auto& [id, existing] : versions) {
      if (existing.datastore_id == ds->id && existing.name == version.name) v.id = id;
    }
    if (v.id.empty()) v.id = version.id.empty() ? common::crypto::uuid4() : version.id;
    versions[v.id] = v;
    if (make_default) ds->default_version_id = v.id;
    return v.id;
  }

  std::vector<db::Flavor> list_flavors() override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    std::vector<db::Flavor> out;
    for (const auto& [id, f] : flavors) out.push_back(f);
    // Natural order of ids, as the Pg repository sorts: "2" before "10".
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
      return std::make_pair(a.id.size(), a.id) < std::make_pair(b.id.size(), b.id);
    });
    return out;
  }

  std::optional<db::Flavor> find_flavor(const std::string& id_or_name) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = flavors.find(id_or_name);
    if (it != flavors.end()) return it->second;
    for (const auto& [id, f] : flavors) {
      if (f.name == id_or_name) return f;
    }
    return std::nullopt;
  }

  void upsert_flavor(const db::Flavor& flavor) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    for (const auto& [id, f] : flavors) {
      if (id != flavor.id && f.name == flavor.name) {
        throw common::conflict("flavor name '" + flavor.name + "' is taken by flavor " + id);
      }
    }
    flavors[flavor.id] = flavor;
  }

  // Unlocked helper for linked fakes: fills datastore/version names.
  void fill_names(db::Instance& inst) const {
    auto it = versions.find(inst.datastore_version_id);
    if (it == versions.end()) return;
    inst.datastore_version_name = it->second.name;
    auto ds = datastores.find(it->second.datastore_id);
    if (ds != datastores.end()) inst.datastore_name = ds->second.name;
  }

 private:
  const db::Datastore* lookup_datastore(const std::string& name_or_id) const {
    auto it = datastores.find(name_or_id);
    if (it != datastores.end()) return &it->second;
    for (const auto& [id, ds] : datastores) {
      if (ds.name == name_or_id) return &ds;
    }
    return nullptr;
  }
  db::DatastoreVersion filled(db::DatastoreVersion v) const {
    auto ds = datastores.find(v.datastore_id);
    if (ds != datastores.end()) v.datastore_name = ds->second.name;
    return v;
  }
  db::Datastore with_versions(db::Datastore ds) const {
    ds.versions.clear();
    for (const auto& [id, v] : versions) {
      if (v.datastore_id == ds.id) ds.versions.push_back(filled(v));
    }
    std::sort(ds.versions.begin(), ds.versions.end(),
              [](auto& a, auto& b) { return a.name < b.name; });
    return ds;
  }
};

}  // namespace automat::testing
