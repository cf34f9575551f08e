-- Backups (issue 12): one row per backup, kept after its operation left
-- GET /operations. Its objects live in the backup storage under `location`.
CREATE TABLE backups (
  id                    text PRIMARY KEY,
  tenant_id             text NOT NULL REFERENCES tenants(id),
  name                  text NOT NULL,
  description           text NOT NULL DEFAULT '',
  instance_id           text REFERENCES instances(id),
  cluster_id            text REFERENCES clusters(id),
  parent_id             text REFERENCES backups(id),
  datastore_version_id  text NOT NULL REFERENCES datastore_versions(id),
  status                text NOT NULL DEFAULT 'NEW',
  location              text NOT NULL,
  size                  bigint NOT NULL DEFAULT 0,
  data_size             bigint NOT NULL DEFAULT 0,
  facts                 jsonb NOT NULL DEFAULT '{}',
  fault                 text,
  operation_id          text NOT NULL,
  created               timestamptz NOT NULL DEFAULT now(),
  updated               timestamptz NOT NULL DEFAULT now(),
  deleted               boolean NOT NULL DEFAULT false
);
CREATE INDEX backups_tenant_created ON backups (tenant_id, created, id) WHERE NOT deleted;
CREATE INDEX backups_parent ON backups (parent_id) WHERE NOT deleted;
CREATE INDEX backups_instance ON backups (instance_id, created) WHERE NOT deleted;
