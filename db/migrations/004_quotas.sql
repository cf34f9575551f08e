-- Per-tenant quotas (Trove's instances, ram, volumes and backups). A row per
-- tenant that has limits of its own or has created something under quota; a
-- NULL limit is the [quota] default of the configuration, -1 is unlimited.
-- Every create locks its tenant's row (SELECT ... FOR UPDATE) while it counts
-- what the tenant uses and inserts, so concurrent creates cannot overshoot.
CREATE TABLE quotas (
  tenant_id  text PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  instances  integer,   -- live instances, replicas and cluster nodes included
  ram        integer,   -- MB of their flavors' RAM
  volumes    integer,   -- GB of their volumes
  backups    integer,   -- backups (counted once backups exist)
  updated    timestamptz NOT NULL DEFAULT now()
);

-- What a datastore version's guest installs (Trove's "packages"), shown to
-- admins in the version's view.
ALTER TABLE datastore_versions ADD COLUMN packages text NOT NULL DEFAULT '';
