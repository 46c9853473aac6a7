-- The console session a console session was carried through: opened by pasting a gateway token that
-- another console session issued, it is a session signed in with that token, and signing out of the
-- issuing session ends it (and what it issued in turn), as it ends every other session signed in with
-- the token. NULL for a session signed in at the provider or with a key or token of no console session.
ALTER TABLE console_session ADD COLUMN carried_through VARCHAR(64);
CREATE INDEX console_session_carried_through ON console_session (carried_through);
