-- A grant covers only statements held by the rule whose approvers gave it: each rule names its own
-- approvers, so a grant from one rule's must not pass what another rule leaves to other people.
-- Grants stored before have no rule and cover nothing (their statements are held again).
ALTER TABLE approval_grant ADD COLUMN rule_name VARCHAR(256);
