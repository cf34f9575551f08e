-- Root enabled on an instance (Trove's root_enabled_history): the API answers
-- GET /instances/{id}/root and /clusters/{id}/root from here, not from the
-- guest. One row per instance root was ever enabled on; disabled_at is set
-- when root was disabled after its last enable.
CREATE TABLE root_enabled_history (
  instance_id  text PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
  enabled_at   timestamptz NOT NULL DEFAULT now(),
  disabled_at  timestamptz
);
