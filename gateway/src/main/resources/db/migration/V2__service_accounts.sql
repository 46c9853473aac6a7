-- Keys of service accounts created at run time (API, CLI). Only the SHA-256 digest of a key is
-- stored; the key itself is shown once, when created. Each key carries the groups and kind it
-- grants, so rotating a key means creating a second one for the same account and revoking the
-- first. Rows are never deleted: revoked keys stay for the record.

CREATE TABLE service_account_key (
    id           VARCHAR(32)   NOT NULL PRIMARY KEY,
    account      VARCHAR(128)  NOT NULL,
    secret_hash  VARCHAR(64)   NOT NULL,
    groups_json  VARCHAR(4096) NOT NULL,
    kind         VARCHAR(16)   NOT NULL,
    description  VARCHAR(1024),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(512),
    expires_at   TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    last_used_at TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX service_account_key_secret ON service_account_key (secret_hash);
CREATE INDEX service_account_key_account ON service_account_key (account, created_at);
