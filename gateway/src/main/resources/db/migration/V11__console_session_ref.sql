-- A console session's reference: a random id, not the cookie's value nor its hash, that what was
-- done through the session (a vote, a grant) keeps in its sign-in, so it stands only while the
-- session does: signing out, the cookie's end or a revocation that ends the session makes them
-- lapse. Sessions from before have none and sign in again.
ALTER TABLE console_session ADD COLUMN ref VARCHAR(64);
CREATE INDEX console_session_ref ON console_session (ref);
