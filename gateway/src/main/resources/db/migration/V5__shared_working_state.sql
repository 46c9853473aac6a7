-- The working state several gateway nodes share through one store (docs/operations.md, "Several
-- nodes"). Unlike the evidence log these rows change: they are what is pending now, not what
-- happened. Every approval event stays in the evidence log exactly as before; a row here is only
-- the state the next decision is taken against. Plain VARCHAR (no length) is unbounded on both
-- H2 and PostgreSQL.

-- One row per gateway process that holds statements: approvals it owns are withdrawn once its
-- heartbeat is older than the lease (it died), or when it starts again under the same node id.
CREATE TABLE gateway_node (
    node_id      VARCHAR(64) NOT NULL PRIMARY KEY,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A held command's approval. state is 'pending' until exactly one conditional UPDATE ends it
-- (approved, denied, expired, withdrawn). command_shown is what approvers see; with
-- approversSee: clear it can hold literals, so the decision overwrites it with the recorded text.
CREATE TABLE approval_request (
    id              VARCHAR(32)  NOT NULL PRIMARY KEY,
    owner_node      VARCHAR(64)  NOT NULL,
    requester_key   VARCHAR(1100) NOT NULL,
    request_json    VARCHAR      NOT NULL,
    command_shown   VARCHAR,
    requested_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    decided_at      TIMESTAMP WITH TIME ZONE,
    decided_by_json VARCHAR,
    decision_reason VARCHAR,
    break_glass     BOOLEAN      NOT NULL,
    grant_json      VARCHAR
);
CREATE INDEX approval_request_state ON approval_request (state, requested_at);
CREATE INDEX approval_request_owner ON approval_request (owner_node, state);

-- Each approver's yes; the primary key is what makes a second vote of the same person impossible.
CREATE TABLE approval_vote (
    approval_id    VARCHAR(32)   NOT NULL,
    approver_key   VARCHAR(1100) NOT NULL,
    seq            INT           NOT NULL,
    approver_json  VARCHAR       NOT NULL,
    reason         VARCHAR,
    voted_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    grant_millis   BIGINT,
    PRIMARY KEY (approval_id, approver_key)
);

-- Time-boxed grants created by approvals, checked on every node.
CREATE TABLE approval_grant (
    approval_id     VARCHAR(32)   NOT NULL PRIMARY KEY,
    subject_key     VARCHAR(1100) NOT NULL,
    connection_name VARCHAR(256)  NOT NULL,
    statement_class VARCHAR(64)   NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    granted_by      VARCHAR       NOT NULL
);
CREATE INDEX approval_grant_subject ON approval_grant (subject_key, connection_name, statement_class);

-- Signed-in console browsers. Only the SHA-256 of the cookie's value is kept, so reading the
-- store does not sign anyone in.
CREATE TABLE console_session (
    id_hash     VARCHAR(64) NOT NULL PRIMARY KEY,
    sign_in     VARCHAR     NOT NULL,
    csrf_token  VARCHAR(64) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX console_session_expiry ON console_session (expires_at);
