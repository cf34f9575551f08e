-- Clusters (issue 3): what 001 left out of the nodes table, and the indexes
-- the cluster reads use.
ALTER TABLE nodes
  -- Position in the cluster, 1-based, never reused: names nodes
  -- (<cluster>-<ordinal>) and orders them, oldest first.
  ADD COLUMN ordinal  integer NOT NULL DEFAULT 0,
  -- The node's step in the current cluster operation ("joining", "cleanup",
  -- "decommissioning", ...); '' when idle.
  ADD COLUMN phase    text NOT NULL DEFAULT '',
  ADD COLUMN created  timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN updated  timestamptz NOT NULL DEFAULT now(),
  ADD CONSTRAINT nodes_cluster_ordinal UNIQUE (cluster_id, ordinal);
-- nodes_cluster_ordinal's index serves lookups by cluster_id too.
CREATE INDEX clusters_tenant ON clusters (tenant_id) WHERE NOT deleted;
CREATE INDEX instances_cluster ON instances (cluster_id) WHERE cluster_id IS NOT NULL AND NOT deleted;
