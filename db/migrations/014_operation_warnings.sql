-- What an operation's request was accepted with but should know (issue 13,
-- section 4: a grow that would leave a node's volume over 90 % full): a
-- list of messages, written with the operation, shown on it.
ALTER TABLE operations ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';
