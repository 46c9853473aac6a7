package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.postgres.results.CommandResults;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

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
        BLOCKED_PARSE,
        /** Describe of a statement: ends at RowDescription or NoData. */
        DESCRIBE_STATEMENT,
        /** Describe of a portal: ends at RowDescription or NoData, which say what the portal's rows are. */
        DESCRIBE_PORTAL
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
    ErrorResponse substitute;
    /** Masking and evidence capture of the rows, for QUERY and EXECUTE; {@code null} when neither applies. */
    CommandResults results;
    /** The portal an EXECUTE runs or a DESCRIBE_PORTAL describes. */
    PortalDescription portal;
    /** A Describe the gateway sent on its own: the client never sees its answer. */
    boolean injected;

    InFlightCommand(Kind kind, long sequence) {
        this.kind = kind;
        this.sequence = sequence;
    }

    void complete(String tag, OptionalLong rows) {
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
