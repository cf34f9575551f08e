-- Backup schedules (issue 12, section 6): at most one per instance, either
-- every `interval_seconds` (slots aligned to the Unix epoch) or once a day at
-- `daily_minute` minutes after 00:00 UTC. `last_slot` is the newest slot a
-- taskmanager claimed (and so started, or skipped with `last_error`); a claim
-- only ever raises it, which is what makes a slot run at most once however
-- many taskmanagers scan. A deleted instance's schedule is never due.
CREATE TABLE backup_schedules (
  instance_id       text PRIMARY KEY REFERENCES instances(id),
  tenant_id         text NOT NULL REFERENCES tenants(id),
  interval_seconds  bigint CHECK (interval_seconds BETWEEN 3600 AND 2592000),
  daily_minute      integer CHECK (daily_minute BETWEEN 0 AND 1439),
  retention         integer NOT NULL CHECK (retention BETWEEN 1 AND 100),
  last_slot         bigint,
  last_run          timestamptz,
  last_backup_id    text,
  last_error        text,
  created           timestamptz NOT NULL DEFAULT now(),
  updated           timestamptz NOT NULL DEFAULT now(),
  CHECK ((interval_seconds IS NULL) <> (daily_minute IS NULL))
);

-- Backups a schedule started; retention prunes only these, never a backup
-- the tenant asked for.
ALTER TABLE backups ADD COLUMN scheduled boolean NOT NULL DEFAULT false;
