-- pgbench -S, plus the account's text column: the set-up puts an e-mail and a card number in it,
-- so a masking policy has something to find in every row.
\set aid random(1, 100000 * :scale)
SELECT abalance, filler FROM pgbench_accounts WHERE aid = :aid;
