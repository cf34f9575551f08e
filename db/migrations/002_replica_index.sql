-- Instance reads list each master's replicas in the same query.
CREATE INDEX instances_slave_of ON instances (slave_of) WHERE slave_of IS NOT NULL AND NOT deleted;
