-- A node's place in its cluster, split into what every datastore has and
-- what one datastore keeps (issue 11): the rack becomes the node's zone
-- (generic placement, next to its region), and Cassandra's seed flag and
-- datacenter move into role, the datastore's own typed record of the node
-- (for Cassandra a NodeRole, datastores/cassandra/cassandra_cluster.proto),
-- stored through protobuf's JSON mapping.
ALTER TABLE nodes RENAME COLUMN rack TO zone;
ALTER TABLE nodes ADD COLUMN role jsonb NOT NULL DEFAULT '{}';
UPDATE nodes n
   SET role = jsonb_build_object('seed', n.seed, 'dc', n.dc)
  FROM clusters c
  JOIN datastore_versions v ON v.id = c.datastore_version_id
 WHERE c.id = n.cluster_id AND v.manager = 'cassandra';
ALTER TABLE nodes DROP COLUMN seed;
ALTER TABLE nodes DROP COLUMN dc;
COMMENT ON COLUMN nodes.zone IS 'the availability zone the node was placed in (a Cassandra rack)';
COMMENT ON COLUMN nodes.role IS 'the datastore''s own record of the node (typed per datastore)';
