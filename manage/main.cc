// automat-manage: the admin tool. Reads database_url from the config
// (--config / --set, as the services do) and runs one subcommand:
//   db sync | tenant show NAME | token create --tenant NAME [--role admin]
//   datastore register ... | datastore install cassandra ... | datastore list
//   flavor create ... | flavor list
//   quota show --tenant NAME | quota set --tenant NAME [--instances N] ...
//   compute check
// Exits 1 with a message on stderr when the input is bad or the database
// cannot be reached. The database is opened only by commands that use it
// (`datastore install --no-register` needs none).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "common/error.h"
#include "common/log.h"
#include "common/program_runner.h"
#include "common/service_args.h"
#include "compute/local/local_driver.h"
#include "compute/local/volumes.h"
#include "datastores/cassandra/manage_cassandra_install.h"
#include "db/migrator.h"
#include "db/pg_quota_repository.h"
#include "db/pg_repositories.h"
#include "manage/commands.h"
#include "manage/quota_commands.h"

namespace automat::manage {
namespace {

// What a subcommand runs with: the configuration and, opened on first use,
// the database.
class Context {
 public:
  explicit Context(common::Config config) : config_(std::move(config)) {}
  const common::Config& config() const { return config_; }
  db::ConnectionPool& pool() {
    if (!pool_) {
      const std::string url = config_.get("manage", "database_url");
      if (url.empty()) throw common::bad_request("database_url is not set in the configuration");
      pool_ = std::make_unique<db::ConnectionPool>(url, 1);
    }
    return *pool_;
  }

 private:
  common::Config config_;
  std::unique_ptr<db::ConnectionPool> pool_;
};

using Command = std::function<void(Context&)>;

// Values of every subcommand's options, filled in by CLI11.
struct Inputs {
  std::string tenant_name;
  std::string token_tenant;
  std::string role = "member";
  DatastoreSpec datastore;
  std::string install_datastore;
  datastores::cassandra::CassandraImageSpec image;
  bool no_register = false;
  bool no_class_archives = false;
  std::string training_address = "127.254.0.1";
  db::Flavor flavor;
  std::string quota_tenant;
  std::optional<int64_t> quota_limits[4];  // by db::quota_resources() order
};

void add_db_commands(CLI::App& app, Command& run) {
  auto* schema = app.add_subcommand("db", "database schema");
  schema->require_subcommand(1);
  schema->add_subcommand("sync", "apply pending schema migrations")->callback([&run] {
    run = [](Context& ctx) {
      db::Migrator migrator(ctx.pool());
      sync_db(migrator, std::cout);
    };
  });
}

void add_tenant_commands(CLI::App& app, Inputs& in, Command& run) {
  auto* tenant = app.add_subcommand("tenant", "tenants");
  tenant->require_subcommand(1);
  auto* show = tenant->add_subcommand("show", "print a tenant's id");
  show->add_option("name", in.tenant_name, "tenant name")->required();
  show->callback([&in, &run] {
    run = [&in](Context& ctx) {
      db::PgTokenRepository tokens(ctx.pool());
      show_tenant(tokens, in.tenant_name, std::cout);
    };
  });
}

void add_token_commands(CLI::App& app, Inputs& in, Command& run) {
  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto* create = token->add_subcommand("create", "create a token (printed once)");
  create->add_option("--tenant", in.token_tenant, "tenant name (created if new)")->required();
  create->add_option("--role", in.role, "admin or member")->capture_default_str();
  create->callback([&in, &run] {
    run = [&in](Context& ctx) {
      db::PgTokenRepository tokens(ctx.pool());
      create_token(tokens, in.token_tenant, in.role, std::cout);
    };
  });
}

// `datastore install cassandra --version V ...`: the image under
// <images-dir>/cassandra/V (default <state_dir>/images), then its registration.
void add_install_command(CLI::App& ds, Inputs& in, Command& run) {
  auto* install =
      ds.add_subcommand("install", "lay out a datastore image from Maven and register it");
  install->add_option("datastore", in.install_datastore, "datastore: cassandra")
      ->required()
      ->check(CLI::IsMember({"cassandra"}));
  install->add_option("--version", in.image.version, "release, e.g. 5.0.9")->required();
  install->add_option("--images-dir", in.image.images_dir,
                      "where images live (default: <state_dir>/images)");
  install->add_option("--maven-repo", in.image.maven_repo,
                      "Maven repository for downloads (default: <images-dir>/cassandra/.m2)");
  install->add_flag("--offline", in.image.offline, "use only the local Maven repository");
  install->add_flag("--no-register", in.no_register, "lay out the image only (no database)");
  install->add_flag("--no-class-archives", in.no_class_archives,
                    "do not train the image's class archives (nodes then start slower)");
  install
      ->add_option("--training-address", in.training_address,
                   "free loopback address for the class-archive training node")
      ->capture_default_str();
  install->callback([&in, &run] {
    run = [&in](Context& ctx) {
      namespace cassandra = datastores::cassandra;
      cassandra::CassandraImageSpec spec = in.image;
      if (spec.images_dir.empty()) {
        spec.images_dir =
            (std::filesystem::path(ctx.config().get("DEFAULT", "state_dir", ".automat")) / "images")
                .string();
      }
      // The database is reached before the image is laid out: a bad
      // database_url fails at once, not after minutes of downloads.
      std::unique_ptr<db::PgCatalogRepository> catalog;
      if (!in.no_register) catalog = std::make_unique<db::PgCatalogRepository>(ctx.pool());
      auto runner = common::make_process_runner();
      const auto version = cassandra::install_cassandra(
          spec, *runner, std::cout,
          in.no_class_archives ? nullptr : cassandra::class_archive_trainer(in.training_address));
      if (catalog) register_installed(*catalog, version, std::cout);
    };
  });
}

void add_datastore_commands(CLI::App& app, Inputs& in, Command& run) {
  auto* ds = app.add_subcommand("datastore", "datastores and versions");
  ds->require_subcommand(1);
  auto* reg = ds->add_subcommand("register", "create or update a datastore version");
  reg->add_option("--name", in.datastore.name, "datastore name, e.g. mysql")->required();
  reg->add_option("--version", in.datastore.version, "version name, e.g. 10.11")->required();
  reg->add_option("--manager", in.datastore.manager, "guest manager, e.g. mysql")->required();
  reg->add_option("--image-location", in.datastore.image_location, "where the binaries live");
  reg->add_option("--min-ram", in.datastore.min_ram_mb, "minimum flavor RAM in MB");
  reg->add_option("--packages", in.datastore.packages,
                  "what its guest installs, e.g. mariadb-server (shown to admins)");
  reg->add_flag("--default", in.datastore.make_default, "make it the datastore's default version");
  reg->add_flag("--enable-cluster", in.datastore.enable_cluster, "allow clusters");
  reg->add_flag("--enable-replication", in.datastore.enable_replication, "allow replicas");
  reg->callback([&in, &run] {
    run = [&in](Context& ctx) {
      db::PgCatalogRepository catalog(ctx.pool());
      register_datastore(catalog, in.datastore, std::cout);
    };
  });
  add_install_command(*ds, in, run);
  ds->add_subcommand("list", "list datastores and versions")->callback([&run] {
    run = [](Context& ctx) {
      db::PgCatalogRepository catalog(ctx.pool());
      list_datastores(catalog, std::cout);
    };
  });
}

void add_flavor_commands(CLI::App& app, Inputs& in, Command& run) {
  auto* fl = app.add_subcommand("flavor", "flavors");
  fl->require_subcommand(1);
  auto* create = fl->add_subcommand("create", "create or update a flavor");
  create->add_option("--id", in.flavor.id, "flavor id, e.g. 1")->required();
  create->add_option("--name", in.flavor.name, "flavor name, e.g. m1.tiny")->required();
  create->add_option("--ram", in.flavor.ram_mb, "RAM in MB")->required();
  create->add_option("--vcpus", in.flavor.vcpus, "virtual CPUs")->required();
  create->add_option("--disk", in.flavor.disk_gb, "disk in GB")->required();
  create->callback([&in, &run] {
    run = [&in](Context& ctx) {
      db::PgCatalogRepository catalog(ctx.pool());
      create_flavor(catalog, in.flavor, std::cout);
    };
  });
  fl->add_subcommand("list", "list flavors")->callback([&run] {
    run = [](Context& ctx) {
      db::PgCatalogRepository catalog(ctx.pool());
      list_flavors(catalog, std::cout);
    };
  });
}

void add_quota_commands(CLI::App& app, Inputs& in, Command& run) {
  auto* quota = app.add_subcommand("quota", "per-tenant quotas (defaults: the [quota] section)");
  quota->require_subcommand(1);
  auto* show = quota->add_subcommand("show", "a tenant's quotas and what it uses");
  show->add_option("--tenant", in.quota_tenant, "tenant name (created if new)")->required();
  show->callback([&in, &run] {
    run = [&in](Context& ctx) {
      db::PgTokenRepository tokens(ctx.pool());
      db::PgQuotaRepository quotas(ctx.pool());
      show_quota(tokens, quotas, db::load_quota_limits(ctx.config()), in.quota_tenant, std::cout);
    };
  });
  auto* set = quota->add_subcommand("set", "set a tenant's limits (-1 = unlimited)");
  set->add_option("--tenant", in.quota_tenant, "tenant name (created if new)")->required();
  const auto& names = db::quota_resources();
  const char* help[] = {"live instances (cluster nodes and replicas included)", "MB of flavor RAM",
                        "GB of volumes", "backups"};
  for (size_t k = 0; k < names.size(); ++k) {
    set->add_option("--" + names[k], in.quota_limits[k], help[k]);
  }
  set->callback([&in, &run] {
    run = [&in](Context& ctx) {
      std::vector<std::pair<std::string, int64_t>> limits;
      for (size_t k = 0; k < db::quota_resources().size(); ++k) {
        if (in.quota_limits[k]) limits.emplace_back(db::quota_resources()[k], *in.quota_limits[k]);
      }
      db::PgTokenRepository tokens(ctx.pool());
      db::PgQuotaRepository quotas(ctx.pool());
      set_quota(tokens, quotas, db::load_quota_limits(ctx.config()), in.quota_tenant, limits,
                std::cout);
    };
  });
}

void add_compute_commands(CLI::App& app, Command& run) {
  auto* compute = app.add_subcommand("compute", "the compute driver");
  compute->require_subcommand(1);
  compute->add_subcommand("check", "say what the local driver's volumes are on this host")
      ->callback([&run] {
        run = [](Context& ctx) {
          const auto options = compute::local::LocalDriverOptions::from_config(ctx.config());
          const std::string images = options.state_dir + "/volumes";
          compute::local::Volumes volumes(images, options.volumes);
          if (volumes.real()) {
            std::cout << "volumes: XFS filesystems of each instance's size, in images under "
                      << images << ", loop-mounted at <instance dir>/volume; grown online\n";
          } else {
            std::cout << "volumes: plain directories (" << volumes.fallback_reason()
                      << "); volume sizes are not enforced and df shows the host's disk\n";
          }
        };
      });
}

int run_main(int argc, char** argv) {
  CLI::App app{"automat-manage: administer an Automat deployment"};
  app.fallthrough();  // --config/--set anywhere on the line
  common::ServiceArgs args(app);
  app.require_subcommand(1);
  Inputs in;
  Command run;
  add_db_commands(app, run);
  add_tenant_commands(app, in, run);
  add_token_commands(app, in, run);
  add_datastore_commands(app, in, run);
  add_flavor_commands(app, in, run);
  add_quota_commands(app, in, run);
  add_compute_commands(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  try {
    Context context(args.load());
    common::log::init("automat-manage", context.config().get("manage", "log_level", "warn"));
    run(context);
    return 0;
  } catch (const common::Error& e) {
    std::cerr << "automat-manage: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace
}  // namespace automat::manage

int main(int argc, char** argv) { return automat::manage::run_main(argc, argv); }
