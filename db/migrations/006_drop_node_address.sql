-- A node's address is its instance's (instances.address); nodes.address was
-- never written nor read (issue 11 removes it).
ALTER TABLE nodes DROP COLUMN IF EXISTS address;
