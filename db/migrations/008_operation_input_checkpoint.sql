-- An operation's one JSON bag (params) becomes two typed records (issue 11):
-- input, what the request asked (proto/automat/operations.proto), and
-- checkpoint, what the workflow's steps have done (each datastore's
-- <name>_operations.proto). Rows written before keep their values: the keys
-- steps recorded move from params into checkpoint.
ALTER TABLE operations RENAME COLUMN params TO input;
ALTER TABLE operations ADD COLUMN checkpoint jsonb NOT NULL DEFAULT '{}';
UPDATE operations
   SET checkpoint = input - ARRAY['instance_ids', 'old_instance_id', 'new_instance_id',
                                  'databases', 'users', 'replica_of', 'backup_key'],
       input = input - ARRAY['started', 'prepared', 'joined', 'old_stopped', 'cleaned',
                             'leaving', 'decommissioned', 'removed', 'failed_node',
                             'seed_left', 'old_master', 'frozen_gtid', 'candidate'];
-- instance.create recorded "prepared" as a bool, the cluster workflows as a
-- list of nodes; both fit their own checkpoint message.
COMMENT ON COLUMN operations.input IS
  'what the request asked (typed per operation type); secrets scrubbed once used';
COMMENT ON COLUMN operations.checkpoint IS 'what the workflow''s steps have done (typed)';
