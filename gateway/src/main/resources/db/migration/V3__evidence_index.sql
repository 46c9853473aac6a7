-- The evidence log's query index (docs/evidence.md, "How the gateway keeps the log"). Events are
-- no longer indexed one row each: the embedded store keeps them in its leaf log files, and a
-- PostgreSQL store keeps them in evidence_event by index alone. What the API, the console and
-- exports look up (a session's events, a user's, a trace's, a connection's, a time range) goes
-- through chunks: the events of one (session, user, connection, trace) in one write batch, as one
-- row. Like the log, chunks are only ever inserted.

CREATE TABLE evidence_chunk (
    first_idx       BIGINT       NOT NULL PRIMARY KEY,
    last_idx        BIGINT       NOT NULL,
    event_count     INT          NOT NULL,
    session_id      VARCHAR(64),
    actor_subject   VARCHAR(512),
    connection_name VARCHAR(256),
    trace_id        VARCHAR(32),
    first_time      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_time       TIMESTAMP WITH TIME ZONE NOT NULL,
    -- The chunk's event indices, delta-encoded varints after first_idx; NULL when they are
    -- exactly first_idx..last_idx.
    events          ${bytes}
);
CREATE INDEX evidence_chunk_session ON evidence_chunk (session_id, first_idx);
CREATE INDEX evidence_chunk_actor ON evidence_chunk (actor_subject, first_idx);
CREATE INDEX evidence_chunk_trace ON evidence_chunk (trace_id);

-- One row per session: where it was opened and closed, for listing sessions without reading events.
CREATE TABLE evidence_session (
    open_idx        BIGINT       NOT NULL PRIMARY KEY,
    session_id      VARCHAR(64)  NOT NULL,
    opened_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    actor_subject   VARCHAR(512),
    connection_name VARCHAR(256),
    close_idx       BIGINT
);
CREATE INDEX evidence_session_id ON evidence_session (session_id);
CREATE INDEX evidence_session_actor ON evidence_session (actor_subject, open_idx);

-- Events stored before this version: one chunk each, and their sessions.
INSERT INTO evidence_chunk (first_idx, last_idx, event_count, session_id, actor_subject, connection_name, trace_id,
                            first_time, last_time, events)
SELECT idx, idx, 1, session_id, actor_subject, connection_name, trace_id, event_time, event_time, NULL
FROM evidence_event;

INSERT INTO evidence_session (open_idx, session_id, opened_at, actor_subject, connection_name, close_idx)
SELECT o.idx, o.session_id, o.event_time, o.actor_subject, o.connection_name,
       (SELECT MIN(c.idx) FROM evidence_event c WHERE c.session_id = o.session_id AND c.event_type = 'session.close')
FROM evidence_event o
WHERE o.event_type = 'session.open' AND o.session_id IS NOT NULL;

-- Only now: the statements above used them.
DROP INDEX evidence_event_session;
DROP INDEX evidence_event_type;
DROP INDEX evidence_event_trace;
DROP INDEX evidence_event_time;
