package dev.tracegate.gateway.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * A command forwarded upstream whose response has not ended yet. The client-side relay creates
 * it, the server-side relay fills it in as responses arrive.
 */
final class InFlightCommand {

    /** What ends the command's response. */
    enum Kind {
        /** Simple query: ends at ReadyForQuery, may hold several statements. */
        QUERY,
        /** Extended-protocol Execute: ends at CommandComplete, EmptyQueryResponse, PortalSuspended or an error. */
        EXECUTE,
        /** FunctionCall: ends at ReadyForQuery. */
        FUNCTION_CALL,
        /** Sync: no command of its own; its ReadyForQuery closes the batch. */
        SYNC,
        /** A Parse the guard replaced with a failing one: its ErrorResponse is replaced too. */
        BLOCKED_PARSE
    }

    final Kind kind;
    final long sequence;
    long startedNanos;
    final List<String> tags = new ArrayList<>(1);
    long rowsSeen;
    long rowsFromTags;
    boolean taggedRows;
    String errorSqlState;
    String errorMessage;
    /** The gateway's error the client sees instead of the server's, for a blocked command. */
    dev.tracegate.wire.postgres.backend.ErrorResponse substitute;

    InFlightCommand(Kind kind, long sequence) {
        this.kind = kind;
        this.sequence = sequence;
    }

    void complete(String tag, java.util.OptionalLong rows) {
        tags.add(tag);
        if (rows.isPresent()) {
            rowsFromTags += rows.getAsLong();
            taggedRows = true;
        }
    }

    long rows() {
        return taggedRows ? rowsFromTags : rowsSeen;
    }

    boolean failed() {
        return errorSqlState != null;
    }
}
