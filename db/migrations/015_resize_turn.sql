-- cluster.resize_flavor's input said which nodes restart together as a
-- string "by" ("node" or "rack"); it is the enum `turn` now
-- (proto::ClusterResizeFlavorInput, proto/automat/operations.proto), so an
-- operation accepted before the upgrade still reads.
UPDATE operations
   SET input = (input - 'by') ||
               jsonb_build_object('turn', CASE input->>'by' WHEN 'rack' THEN 'BY_ZONE'
                                                            ELSE 'BY_NODE' END)
 WHERE type = 'cluster.resize_flavor' AND input ? 'by';
