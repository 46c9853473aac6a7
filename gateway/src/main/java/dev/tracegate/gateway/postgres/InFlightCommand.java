package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.postgres.results.CommandResults;
import dev.tracegate.gateway.recording.CopiedData;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One message forwarded upstream whose effect on the server has not been seen yet. The
 * client-side relay creates one for every frame it writes upstream, in the order it writes them
 * (the gateway's own stand-ins and Describes included); {@link ResponsePairing} pairs the
 * server's responses with them; the server-side relay fills in what the responses say.
 */
final class InFlightCommand {

    /** Which frontend message this is, which decides what the server may answer. */
    enum Kind {
        /** Simple query: any number of result sets, then ReadyForQuery; a recorded command. */
        QUERY,
        /** Extended-protocol Execute: rows, then CommandComplete, EmptyQueryResponse, PortalSuspended or an error; a recorded command. */
        EXECUTE,
        /** FunctionCall: FunctionCallResponse or an error, then ReadyForQuery; a recorded command. */
        FUNCTION_CALL,
        /** Sync: ReadyForQuery (after an error, if committing the implicit transaction fails); ends skipping. */
        SYNC,
        /** Parse: ParseComplete or an error. A blocked statement's stand-in has a {@link #substitute}. */
        PARSE,
        /** Bind: BindComplete or an error. */
        BIND,
        /** Describe of a statement: ParameterDescription, then RowDescription or NoData. */
        DESCRIBE_STATEMENT,
        /** Describe of a portal: RowDescription or NoData, which say what the portal's rows are. */
        DESCRIBE_PORTAL,
        /** Close: CloseComplete (also for a name that does not exist). */
        CLOSE,
        /** Flush: no response of its own. */
        FLUSH,
        /** CopyData: consumed by a COPY FROM STDIN, otherwise ignored; no response of its own. */
        COPY_DATA,
        /** CopyDone: ends a COPY FROM STDIN, otherwise ignored. */
        COPY_DONE,
        /** CopyFail: fails a COPY FROM STDIN, otherwise ignored. */
        COPY_FAIL,
        /** Terminate: the server closes the connection without a response. */
        TERMINATE;

        /** Whether the evidence has a {@code command} event for it that its result must close. */
        boolean isRecordedCommand() {
            return this == QUERY || this == EXECUTE || this == FUNCTION_CALL;
        }
    }

    final Kind kind;
    final long sequence;
    /** Its {@code command.result} is recorded (a recorded command's result is recorded once its answer ended). */
    boolean finished;
    long startedNanos;
    /** CommandComplete tags; allocated at the first, since most messages have none. */
    private List<String> tags;
    long rowsSeen;
    long rowsFromTags;
    boolean taggedRows;
    String errorSqlState;
    String errorMessage;
    /** The gateway's error the client sees instead of the server's, for a blocked command. */
    ErrorResponse substitute;
    /** Masking and evidence capture of the rows, for QUERY and EXECUTE; {@code null} when neither applies. */
    CommandResults results;
    /** The COPY data a QUERY or EXECUTE moved, in either direction; {@code null} for other messages. */
    CopiedData copied;
    /** The portal an EXECUTE runs or a DESCRIBE_PORTAL describes. */
    PortalDescription portal;
    /** A Describe the gateway sent on its own: the client never sees its answer. */
    boolean injected;
    /** For an injected Describe, the Execute it prepares: an error answering it is that Execute's. */
    InFlightCommand execute;
    /** A FUNCTION_CALL whose result comes in binary format. */
    boolean binaryResult;
    /** The statement a PARSE creates, a BIND binds or a CLOSE of a statement closes. */
    String statementName;
    /** The portal a BIND creates, an EXECUTE runs or a CLOSE of a portal closes. */
    String portalName;
    /**
     * The gateway's own record of a statement, compared by identity only: for a PARSE the one it
     * creates, for an EXECUTE the one the gateway recorded the Execute with ({@code null} when unknown).
     */
    Object statement;
    /**
     * What the server-side relay does once the server confirms this message ran (a Query or Execute
     * answered without an error, a Close answered CloseComplete): the prepared statements it drops
     * are forgotten then, not when it is sent ({@link PreparedStatementNames}); {@code null} for nothing.
     */
    Runnable whenRan;
    /**
     * The statement names SQL in this Query or Execute prepares or drops ({@code PREPARE},
     * {@code DEALLOCATE}): once it ran, a Bind of one runs what SQL prepared, not what a Parse did.
     */
    java.util.Set<String> namedBySql = java.util.Set.of();
    /** Server side: the server's first answer to this message has arrived. */
    boolean answered;

    InFlightCommand(Kind kind, long sequence) {
        this.kind = kind;
        this.sequence = sequence;
    }

    /** A message with no command event of its own (Sync, Bind, Flush, CopyData, ...). */
    static InFlightCommand of(Kind kind) {
        return new InFlightCommand(kind, 0);
    }

    void complete(String tag, OptionalLong rows) {
        if (tags == null) {
            tags = new ArrayList<>(1);
        }
        tags.add(tag);
        if (rows.isPresent()) {
            rowsFromTags += rows.getAsLong();
            taggedRows = true;
        }
    }

    List<String> tags() {
        return tags == null ? List.of() : List.copyOf(tags);
    }

    long rows() {
        return taggedRows ? rowsFromTags : rowsSeen;
    }

    boolean failed() {
        return errorSqlState != null;
    }

    @Override
    public String toString() {
        return sequence == 0 ? kind.name() : kind.name() + " #" + sequence;
    }
}
