// automat limits, automat quota show | set
#include <array>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/json_fields.h"
#include "cli/table.h"

namespace automat::cli {
namespace {

constexpr std::array<const char*, 4> kResources = {"instances", "ram", "volumes", "backups"};

std::string limit_text(const nlohmann::json& limit) {
  return limit.is_number_integer() && limit.get<long long>() < 0 ? "unlimited"
                                                                 : display_text(limit);
}

// The tenant id at the end of the endpoint (http://host/v1.0/<tenant_id>).
std::string own_tenant(const ApiClient& api) {
  const std::string& endpoint = api.endpoint();
  return endpoint.substr(endpoint.rfind('/') + 1);
}

Table limits_table(const nlohmann::json& limits) {
  Table table{{"Resource", "Limit"}, {}};
  for (const auto& entry : limits.is_array() ? limits : nlohmann::json::array()) {
    if (field_text(entry, "verb") != "ABSOLUTE") continue;
    for (const char* r : kResources) {
      const std::string key = std::string("max_") + r;
      if (entry.contains(key)) table.rows.push_back({r, limit_text(entry[key])});
    }
  }
  return table;
}

Table quotas_table(const nlohmann::json& quotas) {
  Table table{{"Resource", "In Use", "Reserved", "Limit"}, {}};
  for (const auto& q : quotas.is_array() ? quotas : nlohmann::json::array()) {
    table.rows.push_back({field_text(q, "resource"), field_text(q, "in_use"),
                          field_text(q, "reserved"),
                          q.is_object() && q.contains("limit") ? limit_text(q["limit"]) : ""});
  }
  return table;
}

struct QuotaSetArgs {
  std::string tenant;
  std::array<std::optional<long long>, 4> limits;
};

}  // namespace

void add_quota_commands(CLI::App& root, Session& session, CommandSet& commands) {
  CLI::App* limits = root.add_subcommand("limits", "Show your tenant's limits (its quotas)");
  commands.add(limits, [&session] {
    ApiClient api = session.api();
    const nlohmann::json found = field_json(api.get("/limits"), "limits");
    session.print(found, limits_table(found));
    return 0;
  });

  CLI::App* quota = root.add_subcommand("quota", "Quotas: what a tenant uses and may use");
  quota->require_subcommand(1);
  auto show_tenant = std::make_shared<std::string>();
  CLI::App* show = quota->add_subcommand("show", "Show a tenant's quotas and usage");
  show->add_option("tenant", *show_tenant, "Tenant ID (default: your own; others need an admin)");
  commands.add(show, [&session, show_tenant] {
    ApiClient api = session.api();
    const std::string tenant = show_tenant->empty() ? own_tenant(api) : *show_tenant;
    const nlohmann::json found =
        field_json(api.get("/mgmt/quotas/" + path_segment(tenant)), "quotas");
    session.print(found, quotas_table(found));
    return 0;
  });

  auto args = std::make_shared<QuotaSetArgs>();
  CLI::App* set =
      quota->add_subcommand("set", "Set a tenant's limits (admin token; -1 = unlimited)");
  set->add_option("tenant", args->tenant, "Tenant ID")->required();
  const char* help[] = {"Instances (cluster nodes and replicas count)", "RAM in MB", "Volume GB",
                        "Backups"};
  for (size_t k = 0; k < kResources.size(); ++k) {
    set->add_option(std::string("--") + kResources[k], args->limits[k], help[k]);
  }
  commands.add(set, [&session, args] {
    nlohmann::json body = nlohmann::json::object();
    for (size_t k = 0; k < kResources.size(); ++k) {
      if (args->limits[k]) body[kResources[k]] = *args->limits[k];
    }
    if (body.empty()) {
      throw UsageError("give at least one of --instances, --ram, --volumes, --backups");
    }
    ApiClient api = session.api();
    const std::string path = "/mgmt/quotas/" + path_segment(args->tenant);
    api.put(path, {{"quotas", body}});
    const nlohmann::json found = field_json(api.get(path), "quotas");
    session.print(found, quotas_table(found));
    return 0;
  });
}

}  // namespace automat::cli
