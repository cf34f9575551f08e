-- Backup schedules of clusters (issue 12, section 6): a schedule backs up an
-- instance or a cluster, exactly one of the two, and each instance and each
-- cluster has at most one. 012's rows (instances' schedules) stay as they
-- are. A deleted cluster's schedule is never due, as a deleted instance's.
ALTER TABLE backup_schedules DROP CONSTRAINT backup_schedules_pkey;
ALTER TABLE backup_schedules
  ALTER COLUMN instance_id DROP NOT NULL,
  ADD COLUMN cluster_id text REFERENCES clusters(id),
  ADD CONSTRAINT backup_schedules_instance_key UNIQUE (instance_id),
  ADD CONSTRAINT backup_schedules_cluster_key UNIQUE (cluster_id),
  ADD CONSTRAINT backup_schedules_one_target CHECK ((instance_id IS NULL) <> (cluster_id IS NULL));
