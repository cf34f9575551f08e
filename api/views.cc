#include "api/views.h"

#include <cmath>

#include "common/status.h"

namespace automat::api {
namespace {

using nlohmann::json;

// [{"href": <base>/v1.0/<tenant>/<path>, "rel": "self"},
//  {"href": <base>/<path>, "rel": "bookmark"}], as Trove links resources.
json resource_links(const LinkBase& links, const std::string& path) {
  return json::array({
      {{"href", links.base_url + "/v1.0/" + links.tenant_id + "/" + path}, {"rel", "self"}},
      {{"href", links.base_url + "/" + path}, {"rel", "bookmark"}},
  });
}

json optional_time(const std::optional<std::string>& t) { return t ? json(*t) : json(nullptr); }

// Trove's operating_status: the datastore's status in Trove's words while
// the control plane runs no task on the instance, "" while it does.
std::string operating_status(const db::Instance& in) {
  namespace ss = common::service_status;
  if (in.task != common::task::kNone) return "";
  const std::string& s = in.service_status;
  if (s == ss::kRunning) return "HEALTHY";
  if (s == ss::kShutdown || s == ss::kCrashed) return "SHUTDOWN";
  if (s == ss::kBuilding) return "BUILD";
  if (s == ss::kFailedTimeoutGuestagent || s == ss::kUnknown || ss::is_degraded(s)) {
    return "ERROR";
  }
  return s;  // NEW, BLOCKED, FAILED, "" (no status yet)
}

// {"message","created","details"} of the instance's fault, or null.
json fault_view(const db::Instance& in) {
  if (in.fault) {
    return {{"message", *in.fault},
            {"created", in.fault_created.value_or(in.updated)},
            {"details", ""}};
  }
  if (in.service_fault) {
    return {{"message", *in.service_fault},
            {"created", in.service_status_updated.value_or(in.updated)},
            {"details", "reported by the datastore"}};
  }
  return nullptr;
}

// Trove shows a flavor id as an integer when it is one ("7", not "07").
json flavor_int_id(const std::string& id) {
  const bool numeric = !id.empty() && id.size() <= 9 && id[0] != '0' &&
                       id.find_first_not_of("0123456789") == std::string::npos;
  return numeric ? json(std::stoi(id)) : json(nullptr);
}

}  // namespace

json volume_view(int size_gb, std::optional<int64_t> used_bytes,
                 std::optional<int64_t> total_bytes) {
  json view = {{"size", size_gb}};
  if (used_bytes) {
    constexpr double kGiB = 1024.0 * 1024 * 1024;
    view["used"] = std::round(static_cast<double>(*used_bytes) / kGiB * 100) / 100;
  }
  if (used_bytes && total_bytes && *total_bytes > 0) {
    view["used_percent"] = static_cast<int>(*used_bytes * 100 / *total_bytes);
  }
  return view;
}

json instance_view(const db::Instance& in, const LinkBase& links) {
  json view = {
      {"id", in.id},
      {"name", in.name},
      {"status", common::user_status(in.task, in.service_status)},
      {"operating_status", operating_status(in)},
      {"task", in.task},
      {"flavor",
       {{"id", in.flavor_id}, {"links", resource_links(links, "flavors/" + in.flavor_id)}}},
      {"datastore",
       {{"type", in.datastore_name},
        {"version", in.datastore_version_name},
        {"version_number", in.datastore_version_name}}},
      {"volume", volume_view(in.volume_size_gb, in.volume_used_bytes, in.volume_total_bytes)},
      {"region", links.region},
      {"tenant_id", in.tenant_id},
      {"access", {{"is_public", false}}},
      {"created", in.created},
      {"updated", in.updated},
      {"service_status_updated", optional_time(in.service_status_updated)},
      {"links", resource_links(links, "instances/" + in.id)},
  };
  if (in.address) {
    view["ip"] = json::array({*in.address});
    view["addresses"] = json::array({{{"address", *in.address}, {"type", "private"}}});
  }
  if (json fault = fault_view(in); !fault.is_null()) view["fault"] = std::move(fault);
  if (in.cluster_id) view["cluster_id"] = *in.cluster_id;
  if (in.slave_of) {
    view["replica_of"] = {{"id", *in.slave_of},
                          {"links", resource_links(links, "instances/" + *in.slave_of)}};
    view["slave"] = {{"of", *in.slave_of}, {"read_only", true}};
  }
  if (!in.replica_ids.empty()) {
    json refs = json::array();
    json seed_list = json::array();
    for (const auto& id : in.replica_ids) {
      refs.push_back({{"id", id}, {"links", resource_links(links, "instances/" + id)}});
      seed_list.push_back({{"id", id}});
    }
    view["replicas"] = std::move(refs);
    // A replica of a replica cannot exist, so "slave" has no "of" here.
    view["slave"]["list"] = std::move(seed_list);
  }
  return view;
}

json instances_view(const std::vector<db::Instance>& instances, const LinkBase& links) {
  json list = json::array();
  for (const auto& in : instances) {
    list.push_back(instance_view(in, links));
  }
  return {{"instances", std::move(list)}};
}

json version_view(const db::DatastoreVersion& v, const LinkBase& links, bool admin) {
  json view = {
      {"id", v.id},         {"name", v.name},
      {"version", v.name},  {"datastore", v.datastore_id},
      {"active", v.active}, {"links", resource_links(links, "datastores/versions/" + v.id)},
  };
  if (admin) {
    view["image"] = v.image_location;
    view["packages"] = v.packages;
  }
  return view;
}

json datastore_view(const db::Datastore& ds, const LinkBase& links, bool admin) {
  json versions = json::array();
  for (const auto& v : ds.versions) versions.push_back(version_view(v, links, admin));
  json view = {
      {"id", ds.id},
      {"name", ds.name},
      {"versions", std::move(versions)},
      {"links", resource_links(links, "datastores/" + ds.id)},
  };
  // Trove leaves the key out when the datastore has no default version; its
  // clients look the id up among the versions and fail on an empty one.
  if (!ds.default_version_id.empty()) view["default_version"] = ds.default_version_id;
  return view;
}

json datastores_view(const std::vector<db::Datastore>& datastores, const LinkBase& links,
                     bool admin) {
  json list = json::array();
  for (const auto& ds : datastores) list.push_back(datastore_view(ds, links, admin));
  return {{"datastores", std::move(list)}};
}

json flavor_view(const db::Flavor& f, const LinkBase& links) {
  return {
      {"id", flavor_int_id(f.id)},
      {"str_id", f.id},
      {"name", f.name},
      {"ram", f.ram_mb},
      {"vcpus", f.vcpus},
      {"disk", f.disk_gb},
      {"ephemeral", 0},
      {"links", resource_links(links, "flavors/" + f.id)},
  };
}

json flavors_view(const std::vector<db::Flavor>& flavors, const LinkBase& links) {
  json list = json::array();
  for (const auto& f : flavors) list.push_back(flavor_view(f, links));
  return {{"flavors", std::move(list)}};
}

json operation_view(const db::Operation& op) {
  json errors = json::array();
  for (const auto& e : op.errors) errors.push_back({{"host", e.host}, {"message", e.message}});
  return {
      {"id", op.id},
      {"type", op.type},
      {"resource", {{"type", op.resource_type}, {"id", op.resource_id}}},
      {"state", op.state},
      {"progress", op.progress},
      {"step", op.step},
      {"step_name", op.step_name},
      {"message", op.message},
      {"errors", std::move(errors)},
      {"warnings", op.warnings},
      {"created", op.created},
      {"updated", op.updated},
      {"started", optional_time(op.started)},
      {"finished", optional_time(op.finished)},
  };
}

json operation_ref(const db::Operation& op) {
  json ref = {{"id", op.id}, {"state", op.state}};
  if (!op.warnings.empty()) ref["warnings"] = op.warnings;
  return ref;
}

json versions_document(const std::string& base_url) {
  json version = {
      {"id", "v1.0"},
      {"status", "CURRENT"},
      {"updated", "2012-08-01T00:00:00Z"},
      {"links", json::array({{{"href", base_url + "/v1.0/"}, {"rel", "self"}}})},
  };
  return {{"versions", json::array({std::move(version)})}};
}

std::string fault_body(const char* fault_name, int code, const std::string& message) {
  return to_body({{fault_name, {{"code", code}, {"message", message}}}});
}

nlohmann::json text_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

std::string to_body(const nlohmann::json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace automat::api
