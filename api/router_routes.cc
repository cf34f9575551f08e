// The routes of automat-api, under /v1.0/{tenant_id}. docs/openapi.yaml
// describes each one; tests/unit/api_openapi_test.cc keeps the two equal.
#include "api/databases_handler.h"
#include "api/root_handler.h"
#include "api/router.h"
#include "api/users_handler.h"
#include "common/error.h"

namespace automat::api {
namespace {

constexpr Method kGet = Method::kGet;
constexpr Method kPost = Method::kPost;
constexpr Method kPut = Method::kPut;
constexpr Method kDelete = Method::kDelete;

}  // namespace

void Router::add_routes() {
  RouteTable& t = table_;
  // Instances (and MySQL replication, which acts through them).
  t.add(kGet, "/instances", [this](auto& ctx, auto&) { return instances_.list(ctx); });
  t.add(kPost, "/instances", [this](auto& ctx, auto&) { return instances_.create(ctx); });
  t.add(kGet, "/instances/detail", [this](auto& ctx, auto&) { return instances_.list(ctx); });
  t.add(kGet, "/instances/{instance_id}",
        [this](auto& ctx, auto& p) { return instances_.show(ctx, p["instance_id"]); });
  t.add(kPut, "/instances/{instance_id}",
        [this](auto& ctx, auto& p) { return replicas_.update(ctx, p["instance_id"]); });
  t.add(kDelete, "/instances/{instance_id}",
        [this](auto& ctx, auto& p) { return instances_.remove(ctx, p["instance_id"]); });
  t.add(kPost, "/instances/{instance_id}/action",
        [this](auto& ctx, auto& p) { return instance_actions_.action(ctx, p["instance_id"]); });

  // The catalog.
  t.add(kGet, "/datastores", [this](auto& ctx, auto&) { return datastores_.list(ctx); });
  t.add(kGet, "/datastores/{datastore}",
        [this](auto& ctx, auto& p) { return datastores_.show(ctx, p["datastore"]); });
  t.add(kGet, "/datastores/{datastore}/versions",
        [this](auto& ctx, auto& p) { return datastores_.versions(ctx, p["datastore"]); });
  t.add(kGet, "/datastores/{datastore}/versions/{version}", [this](auto& ctx, auto& p) {
    return datastores_.version(ctx, p["datastore"], p["version"]);
  });
  t.add(kGet, "/datastores/versions/{version_id}",
        [this](auto& ctx, auto& p) { return datastores_.version_by_id(ctx, p["version_id"]); });
  t.add(kGet, "/datastores/{datastore}/versions/{version}/flavors", [this](auto& ctx, auto& p) {
    return datastores_.version_flavors(ctx, p["datastore"], p["version"]);
  });
  t.add(kGet, "/flavors", [this](auto& ctx, auto&) { return flavors_.list(ctx); });
  t.add(kGet, "/flavors/{flavor_id}",
        [this](auto& ctx, auto& p) { return flavors_.show(ctx, p["flavor_id"]); });

  t.add(kGet, "/operations", [this](auto& ctx, auto&) { return operations_.list(ctx); });
  t.add(kGet, "/operations/{operation_id}",
        [this](auto& ctx, auto& p) { return operations_.show(ctx, p["operation_id"]); });

  // Backups: 501 when this server keeps none.
  auto backups = [this](auto handler) {
    return [this, handler](const RequestContext& ctx, const PathParams& p) {
      if (!services_.backups) {
        throw common::Error(common::ErrorCode::kNotImplemented,
                            "backups are not available on this API server");
      }
      return handler(ctx, p);
    };
  };
  t.add(kGet, "/backups", backups([this](auto& ctx, auto&) { return backups_.list(ctx); }));
  t.add(kPost, "/backups", backups([this](auto& ctx, auto&) { return backups_.create(ctx); }));
  t.add(kGet, "/backups/{backup_id}",
        backups([this](auto& ctx, auto& p) { return backups_.show(ctx, p["backup_id"]); }));
  t.add(kDelete, "/backups/{backup_id}",
        backups([this](auto& ctx, auto& p) { return backups_.remove(ctx, p["backup_id"]); }));
  t.add(kPost, "/clusters/{cluster_id}/backups", backups([this](auto& ctx, auto& p) {
          return backups_.create_for_cluster(ctx, p["cluster_id"]);
        }));
  t.add(kGet, "/clusters/{cluster_id}/backups", backups([this](auto& ctx, auto& p) {
          return backups_.list_of_cluster(ctx, p["cluster_id"]);
        }));
  t.add(kGet, "/instances/{instance_id}/backups", backups([this](auto& ctx, auto& p) {
          return backups_.list_of_instance(ctx, p["instance_id"]);
        }));
  auto schedules = [this](auto handler) {
    return [this, handler](const RequestContext& ctx, const PathParams& p) {
      if (!services_.backups || !services_.backup_schedules) {
        throw common::Error(common::ErrorCode::kNotImplemented,
                            "backup schedules are not available on this API server");
      }
      return handler(ctx, p);
    };
  };
  const std::string schedule = "/instances/{instance_id}/backup_schedule";
  t.add(kPut, schedule, schedules([this](auto& ctx, auto& p) {
          return backup_schedules_.put(ctx, db::BackupTarget::instance(p["instance_id"]));
        }));
  t.add(kGet, schedule, schedules([this](auto& ctx, auto& p) {
          return backup_schedules_.show(ctx, db::BackupTarget::instance(p["instance_id"]));
        }));
  t.add(kDelete, schedule, schedules([this](auto& ctx, auto& p) {
          return backup_schedules_.remove(ctx, db::BackupTarget::instance(p["instance_id"]));
        }));

  // Limits and quotas (Trove's /limits and /mgmt/quotas).
  t.add(kGet, "/limits", [this](auto& ctx, auto&) { return quotas_.limits(ctx); });
  t.add(kGet, "/mgmt/quotas/{tenant}",
        [this](auto& ctx, auto& p) { return quotas_.show(ctx, p["tenant"]); });
  t.add(kPut, "/mgmt/quotas/{tenant}",
        [this](auto& ctx, auto& p) { return quotas_.update(ctx, p["tenant"]); });

  // Clusters: 501 when this server has no cluster repository.
  auto clusters = [this](auto handler) {
    return [this, handler](const RequestContext& ctx, const PathParams& p) {
      if (!services_.clusters) {
        throw common::Error(common::ErrorCode::kNotImplemented,
                            "clusters are not available on this API server");
      }
      return handler(ctx, p);
    };
  };
  t.add(kGet, "/clusters", clusters([this](auto& ctx, auto&) { return clusters_.list(ctx); }));
  t.add(kPost, "/clusters", clusters([this](auto& ctx, auto&) { return clusters_.create(ctx); }));
  t.add(kGet, "/clusters/{cluster_id}",
        clusters([this](auto& ctx, auto& p) { return clusters_.show(ctx, p["cluster_id"]); }));
  t.add(kPost, "/clusters/{cluster_id}", clusters([this](auto& ctx, auto& p) {
          return cluster_actions_.act(ctx, p["cluster_id"]);
        }));
  t.add(kDelete, "/clusters/{cluster_id}", clusters([this](auto& ctx, auto& p) {
          return cluster_actions_.remove(ctx, p["cluster_id"]);
        }));
  t.add(kPost, "/clusters/{cluster_id}/action", clusters([this](auto& ctx, auto& p) {
          return cluster_actions_.act(ctx, p["cluster_id"]);
        }));
  t.add(kGet, "/clusters/{cluster_id}/nodes", clusters([this](auto& ctx, auto& p) {
          return clusters_.list_nodes(ctx, p["cluster_id"]);
        }));
  t.add(kPost, "/clusters/{cluster_id}/nodes", clusters([this](auto& ctx, auto& p) {
          return cluster_actions_.add_nodes(ctx, p["cluster_id"]);
        }));
  t.add(kGet, "/clusters/{cluster_id}/nodes/{node_id}", clusters([this](auto& ctx, auto& p) {
          return clusters_.show_node(ctx, p["cluster_id"], p["node_id"], "node");
        }));
  t.add(kDelete, "/clusters/{cluster_id}/nodes/{node_id}", clusters([this](auto& ctx, auto& p) {
          return cluster_actions_.remove_node(ctx, p["cluster_id"], p["node_id"]);
        }));
  t.add(kGet, "/clusters/{cluster_id}/instances/{node_id}", clusters([this](auto& ctx, auto& p) {
          return clusters_.show_node(ctx, p["cluster_id"], p["node_id"], "instance");
        }));
  t.add(kPost, "/clusters/{cluster_id}/root", clusters([this](auto& ctx, auto& p) {
          return RootHandler(services_).enable_cluster(ctx, p["cluster_id"]);
        }));
  t.add(kGet, "/clusters/{cluster_id}/root", clusters([this](auto& ctx, auto& p) {
          return RootHandler(services_).show_cluster(ctx, p["cluster_id"]);
        }));
  const std::string cluster_schedule = "/clusters/{cluster_id}/backup_schedule";
  t.add(kPut, cluster_schedule, clusters(schedules([this](auto& ctx, auto& p) {
          return backup_schedules_.put(ctx, db::BackupTarget::cluster(p["cluster_id"]));
        })));
  t.add(kGet, cluster_schedule, clusters(schedules([this](auto& ctx, auto& p) {
          return backup_schedules_.show(ctx, db::BackupTarget::cluster(p["cluster_id"]));
        })));
  t.add(kDelete, cluster_schedule, clusters(schedules([this](auto& ctx, auto& p) {
          return backup_schedules_.remove(ctx, db::BackupTarget::cluster(p["cluster_id"]));
        })));

  add_database_admin_routes();
}

// Databases, users and root of an instance (Trove's extensions), done by
// its guest before the API answers.
void Router::add_database_admin_routes() {
  RouteTable& t = table_;
  const std::string databases = "/instances/{instance_id}/databases";
  t.add(kGet, databases, [this](auto& ctx, auto& p) {
    return DatabasesHandler(services_).list(ctx, p["instance_id"]);
  });
  t.add(kPost, databases, [this](auto& ctx, auto& p) {
    return DatabasesHandler(services_).create(ctx, p["instance_id"]);
  });
  t.add(kDelete, databases + "/{database}", [this](auto& ctx, auto& p) {
    return DatabasesHandler(services_).remove(ctx, p["instance_id"], p["database"]);
  });

  const std::string users = "/instances/{instance_id}/users";
  t.add(kGet, users,
        [this](auto& ctx, auto& p) { return UsersHandler(services_).list(ctx, p["instance_id"]); });
  t.add(kPost, users, [this](auto& ctx, auto& p) {
    return UsersHandler(services_).create(ctx, p["instance_id"]);
  });
  t.add(kPut, users, [this](auto& ctx, auto& p) {
    return UsersHandler(services_).change_passwords(ctx, p["instance_id"]);
  });
  const std::string user = users + "/{user}";
  t.add(kGet, user, [this](auto& ctx, auto& p) {
    return UsersHandler(services_).show(ctx, p["instance_id"], p["user"]);
  });
  t.add(kPut, user, [this](auto& ctx, auto& p) {
    return UsersHandler(services_).update(ctx, p["instance_id"], p["user"]);
  });
  t.add(kDelete, user, [this](auto& ctx, auto& p) {
    return UsersHandler(services_).remove(ctx, p["instance_id"], p["user"]);
  });
  t.add(kGet, user + "/databases", [this](auto& ctx, auto& p) {
    return UsersHandler(services_).list_access(ctx, p["instance_id"], p["user"]);
  });
  t.add(kPut, user + "/databases", [this](auto& ctx, auto& p) {
    return UsersHandler(services_).grant(ctx, p["instance_id"], p["user"]);
  });
  t.add(kDelete, user + "/databases/{database}", [this](auto& ctx, auto& p) {
    return UsersHandler(services_).revoke(ctx, p["instance_id"], p["user"], p["database"]);
  });

  const std::string root = "/instances/{instance_id}/root";
  t.add(kPost, root, [this](auto& ctx, auto& p) {
    return RootHandler(services_).enable(ctx, p["instance_id"]);
  });
  t.add(kGet, root,
        [this](auto& ctx, auto& p) { return RootHandler(services_).show(ctx, p["instance_id"]); });
  t.add(kDelete, root, [this](auto& ctx, auto& p) {
    return RootHandler(services_).disable(ctx, p["instance_id"]);
  });
}

}  // namespace automat::api
