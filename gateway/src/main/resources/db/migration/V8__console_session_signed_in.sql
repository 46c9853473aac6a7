-- When a console session was signed in: its groups are the sign-in's, so approving or denying
-- through it needs a recent one (console.decisionSignInMinutes). Sessions from before have none
-- and sign in again to decide.
ALTER TABLE console_session ADD COLUMN signed_in_at TIMESTAMP WITH TIME ZONE;
