-- The right edge of the log's Merkle tree (the hashes of its complete subtrees, largest first,
-- 32 bytes each), kept with the head: a node that locks the head of a shared store gets the edge in
-- the same read, instead of reloading it after every other node's append. Derived from
-- merkle_subtree; the start-up check proves the tables agree with the events. NULL (or an edge
-- that does not fit tree_size) means: load it from merkle_subtree.
ALTER TABLE log_head ADD COLUMN edge ${bytes};
