-- A grant is its approvers' word carried forward in time: it stands only while the sign-ins they
-- approved with stand (not ended, their keys still active), since those sign-ins' groups are what
-- made them approvers. Grants stored before have none and cover nothing (their statements are held
-- again).
ALTER TABLE approval_grant ADD COLUMN approver_sign_ins_json VARCHAR;
