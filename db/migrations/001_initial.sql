-- Automat schema, version 1. Applied once by `automat-manage db sync`.
CREATE TABLE tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  created     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tokens (
  token_hash  text PRIMARY KEY,            -- sha256 hex of the token; the token itself is never stored
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  roles       text NOT NULL DEFAULT 'member',  -- comma separated: member, admin
  created     timestamptz NOT NULL DEFAULT now(),
  expires     timestamptz
);

CREATE TABLE datastores (
  id              text PRIMARY KEY,
  name            text NOT NULL UNIQUE,      -- "mysql", "cassandra"
  default_version_id text
);

CREATE TABLE datastore_versions (
  id              text PRIMARY KEY,
  datastore_id    text NOT NULL REFERENCES datastores(id) ON DELETE CASCADE,
  name            text NOT NULL,             -- "10.11"
  manager         text NOT NULL,             -- guest manager name: "mysql", "cassandra"
  image_location  text NOT NULL DEFAULT '',  -- where the binaries live (empty: from the OS)
  active          boolean NOT NULL DEFAULT true,
  enabled_cluster boolean NOT NULL DEFAULT false,
  enabled_replication boolean NOT NULL DEFAULT false,
  min_ram_mb      integer NOT NULL DEFAULT 0,
  UNIQUE (datastore_id, name)
);

CREATE TABLE flavors (
  id        text PRIMARY KEY,                -- "1", "2", ... as in Nova
  name      text NOT NULL UNIQUE,
  ram_mb    integer NOT NULL,
  vcpus     integer NOT NULL,
  disk_gb   integer NOT NULL
);

CREATE TABLE clusters (
  id                    text PRIMARY KEY,
  tenant_id             text NOT NULL REFERENCES tenants(id),
  name                  text NOT NULL,
  datastore_version_id  text NOT NULL REFERENCES datastore_versions(id),
  task                  text NOT NULL DEFAULT 'NONE',
  status                text NOT NULL DEFAULT 'BUILD',
  created               timestamptz NOT NULL DEFAULT now(),
  updated               timestamptz NOT NULL DEFAULT now(),
  deleted               boolean NOT NULL DEFAULT false
);

CREATE TABLE instances (
  id                    text PRIMARY KEY,
  tenant_id             text NOT NULL REFERENCES tenants(id),
  name                  text NOT NULL,
  flavor_id             text NOT NULL REFERENCES flavors(id),
  volume_size_gb        integer NOT NULL,
  datastore_version_id  text NOT NULL REFERENCES datastore_versions(id),
  task                  text NOT NULL DEFAULT 'BUILDING',
  address               text,                -- set once compute allocated it
  availability_zone     text NOT NULL DEFAULT 'rack1',
  slave_of              text REFERENCES instances(id),
  cluster_id            text REFERENCES clusters(id),
  fault                 text,                -- last fault message shown to the user
  fault_at              timestamptz,
  created               timestamptz NOT NULL DEFAULT now(),
  updated               timestamptz NOT NULL DEFAULT now(),
  deleted               boolean NOT NULL DEFAULT false
);
CREATE INDEX instances_tenant ON instances (tenant_id) WHERE NOT deleted;

-- Cluster members (issue 3): one row per node, alongside its instance.
CREATE TABLE nodes (
  instance_id  text PRIMARY KEY REFERENCES instances(id),
  cluster_id   text NOT NULL REFERENCES clusters(id),
  type         text NOT NULL DEFAULT 'member',   -- member | arbiter
  seed         boolean NOT NULL DEFAULT false,
  dc           text NOT NULL DEFAULT 'dc1',
  rack         text NOT NULL DEFAULT 'rack1',
  region       text,
  address      text
);

CREATE TABLE operations (
  id             text PRIMARY KEY,
  tenant_id      text NOT NULL REFERENCES tenants(id),
  type           text NOT NULL,               -- instance.create, instance.delete, ...
  resource_type  text NOT NULL,               -- instance | cluster
  resource_id    text NOT NULL,
  state          text NOT NULL DEFAULT 'SUBMITTED',  -- SUBMITTED RUNNING COMPLETED FAILED
  progress       double precision NOT NULL DEFAULT 0,
  step           integer NOT NULL DEFAULT 0,  -- cursor: index of the next step to run
  step_name      text NOT NULL DEFAULT '',
  message        text NOT NULL DEFAULT '',    -- human-readable current phase
  errors         jsonb NOT NULL DEFAULT '[]', -- [{"host": ..., "message": ...}]
  params         jsonb NOT NULL DEFAULT '{}', -- workflow input; secrets scrubbed once used
  owner          text,                        -- taskmanager id holding the lease
  lease_until    timestamptz,
  created        timestamptz NOT NULL DEFAULT now(),
  updated        timestamptz NOT NULL DEFAULT now(),
  started        timestamptz,
  finished       timestamptz
);
CREATE INDEX operations_unfinished ON operations (state) WHERE state IN ('SUBMITTED', 'RUNNING');
CREATE INDEX operations_resource ON operations (resource_id);

-- Observed state, written by the conductor.
CREATE TABLE service_statuses (
  instance_id  text PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'NEW',
  detail       jsonb NOT NULL DEFAULT '{}',
  updated      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_heartbeats (
  instance_id  text PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
  sent_us      bigint NOT NULL,               -- guest's clock
  received     timestamptz NOT NULL DEFAULT now()  -- our clock; the sweeper uses this
);

CREATE TABLE conductor_lastseen (
  instance_id  text NOT NULL,
  method       text NOT NULL,
  sent_us      bigint NOT NULL,
  PRIMARY KEY (instance_id, method)
);

-- Addresses handed out by the local compute driver.
CREATE TABLE address_leases (
  address      text PRIMARY KEY,
  instance_id  text NOT NULL UNIQUE,
  created      timestamptz NOT NULL DEFAULT now()
);
