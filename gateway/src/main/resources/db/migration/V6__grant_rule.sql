-- A grant covers only statements held by the rule whose approvers gave it, while that rule asks the
-- same people: each rule names its own approvers, so a grant from one rule's must not pass what
-- another rule (or the same rule after a policy reload) leaves to other people. Grants stored
-- before have neither and cover nothing (their statements are held again).
ALTER TABLE approval_grant ADD COLUMN rule_name VARCHAR(256);
ALTER TABLE approval_grant ADD COLUMN rule_approvers VARCHAR(2048);
