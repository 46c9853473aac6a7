-- A vote counts toward a decision only while the sign-in it was cast with still stands (not ended,
-- its key still active): the groups that made the voter an approver are vouched for by that sign-in
-- alone. Votes stored before have none and no longer count; their approvers vote again.
ALTER TABLE approval_vote ADD COLUMN sign_in_json VARCHAR;
