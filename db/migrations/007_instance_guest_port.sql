-- Where an instance's guest agent listens, as the compute driver recorded it
-- when it made the server (issue 11: the API no longer takes the port from
-- its own config). Instances made before this knew only [compute]
-- guest_port, whose default and every stack's value so far is 8780.
ALTER TABLE instances ADD COLUMN IF NOT EXISTS guest_port integer
  CHECK (guest_port BETWEEN 1 AND 65535);
UPDATE instances SET guest_port = 8780 WHERE address IS NOT NULL AND guest_port IS NULL;
