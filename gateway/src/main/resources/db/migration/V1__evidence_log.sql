-- The evidence log (specs/evidence-log.md). Rows are only ever inserted; the gateway never
-- updates or deletes an event, a subtree hash or a checkpoint. ${bytes} and ${blob} are
-- set per database by Store so H2 and PostgreSQL share these migrations.

CREATE TABLE evidence_event (
    idx             BIGINT       NOT NULL PRIMARY KEY,
    event_time      TIMESTAMP WITH TIME ZONE NOT NULL,
    event_type      VARCHAR(64)  NOT NULL,
    session_id      VARCHAR(64),
    actor_subject   VARCHAR(512),
    connection_name VARCHAR(256),
    trace_id        VARCHAR(32),
    leaf            ${bytes}     NOT NULL,
    leaf_hash       ${bytes}     NOT NULL
);
CREATE INDEX evidence_event_session ON evidence_event (session_id, idx);
CREATE INDEX evidence_event_type ON evidence_event (event_type, idx);
CREATE INDEX evidence_event_trace ON evidence_event (trace_id);
CREATE INDEX evidence_event_time ON evidence_event (event_time);

-- Hash of every complete subtree: level 0 holds leaf hashes, level k covers 2^k leaves
-- starting at node_index * 2^k. Appends add O(log n) rows; proofs read O(log n) rows.
CREATE TABLE merkle_subtree (
    level      INT     NOT NULL,
    node_index BIGINT  NOT NULL,
    hash       ${bytes} NOT NULL,
    PRIMARY KEY (level, node_index)
);

-- One row; writers lock it so several gateway nodes on one PostgreSQL append one log.
CREATE TABLE log_head (
    id        INT    NOT NULL PRIMARY KEY,
    tree_size BIGINT NOT NULL
);
INSERT INTO log_head (id, tree_size) VALUES (1, 0);

CREATE TABLE checkpoint (
    tree_size BIGINT       NOT NULL PRIMARY KEY,
    note      VARCHAR(4096) NOT NULL,
    signed_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Content-addressed payloads referenced from leaves by hash. Retention may delete content;
-- leaves keep the hash, so proofs stay valid.
CREATE TABLE blob (
    digest    VARCHAR(71) NOT NULL PRIMARY KEY,
    size      BIGINT      NOT NULL,
    stored_at TIMESTAMP WITH TIME ZONE NOT NULL,
    content   ${blob}
);
