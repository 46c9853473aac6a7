-- The CI tokens already exchanged (token exchange, docs/identity.md): each is exchanged once, on any
-- node. token_key is the SHA-256 of the token's issuer and jti (of the token itself when it has no
-- jti), never the token; a row is kept until the token expires, after which it could not be
-- exchanged anyway.
CREATE TABLE exchanged_subject_token (
    token_key  VARCHAR(64) NOT NULL PRIMARY KEY,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX exchanged_subject_token_expiry ON exchanged_subject_token (expires_at);
