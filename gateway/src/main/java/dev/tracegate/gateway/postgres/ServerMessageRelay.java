package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.postgres.results.CommandResults;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.ProtocolException;
import dev.tracegate.wire.postgres.backend.CommandComplete;
import dev.tracegate.wire.postgres.backend.CopyOutResponse;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.EmptyQueryResponse;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.NoData;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import dev.tracegate.wire.postgres.backend.ParameterDescription;
import dev.tracegate.wire.postgres.backend.PortalSuspended;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.backend.RowDescription;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream to client: forwards the server's messages, masks result rows where the policy says so,
 * and pairs each command with how it ended.
 *
 * <p>Only the messages that end a command or describe rows are decoded; DataRows of clear-text
 * sessions are counted, not parsed, once the evidence has the rows it keeps. Writes are flushed
 * when the server has nothing more ready, which keeps large results streaming in big writes.
 */
final class ServerMessageRelay {

    private static final Logger LOG = LoggerFactory.getLogger(ServerMessageRelay.class);

    private final PgFrameReader server;
    private final InputStream serverBytes;
    private final PgFrameWriter client;
    private final SessionRecorder recorder;
    private final InFlightCommands inFlight;

    ServerMessageRelay(PgFrameReader server, InputStream serverBytes, PgFrameWriter client,
                       SessionRecorder recorder, InFlightCommands inFlight) {
        this.server = server;
        this.serverBytes = serverBytes;
        this.client = client;
        this.recorder = recorder;
        this.inFlight = inFlight;
    }

    /** Relays until the server closes the connection, or masking refuses a value (then the session ends). */
    void run() throws IOException {
        while (true) {
            PgFrame frame;
            PgFrame forwarded;
            try {
                frame = server.read();
                if (frame == null) {
                    client.flush();
                    return;
                }
                forwarded = observe(frame);
            } catch (MaskingRefusedException e) {
                end("22000", e.getMessage() + "; the result cannot be delivered under the masking policy and the"
                        + " session is closed");
                return;
            } catch (ProtocolException e) {
                // Typically a row over maxMessageBytes: say so rather than drop the connection.
                end("08P01", "the server's response cannot be relayed: " + e.getMessage() + "; the session is closed");
                return;
            }
            // The client side writes notices (held commands) to the same client stream.
            synchronized (client) {
                if (forwarded != null) {
                    client.write(forwarded);
                }
                if (serverBytes.available() == 0) {
                    client.flush();
                }
            }
        }
    }

    /** Notes what the frame means for the command at the head; returns the frame the client gets, or null for none. */
    private PgFrame observe(PgFrame frame) throws IOException {
        InFlightCommand head = inFlight.head();
        switch (frame.type()) {
            case DataRow.TYPE -> {
                if (head != null) {
                    head.rowsSeen++;
                    if (head.results != null) {
                        return row(head, frame);
                    }
                }
            }
            case RowDescription.TYPE -> {
                return rowDescription(head, frame);
            }
            case NoData.TYPE -> {
                return describedNothing(head, frame);
            }
            case ParameterDescription.TYPE -> {
                return head != null && head.injected ? null : frame;
            }
            case CopyOutResponse.TYPE -> {
                if (head != null && head.results != null && head.results.masksClient()) {
                    // The guard refuses COPY TO STDOUT for masked callers; this is the backstop.
                    throw new MaskingRefusedException(null, "COPY", "COPY data cannot be masked");
                }
            }
            case CommandComplete.TYPE -> {
                if (head != null && head.kind != InFlightCommand.Kind.SYNC) {
                    CommandComplete complete = CommandComplete.decode(frame.body());
                    head.complete(complete.tag(), complete.rowCount());
                    if (head.results != null) {
                        head.results.endResultSet();
                    }
                    if (head.kind == InFlightCommand.Kind.EXECUTE) {
                        finish("ok");
                    }
                }
            }
            case EmptyQueryResponse.TYPE, PortalSuspended.TYPE -> {
                if (head != null && head.kind == InFlightCommand.Kind.EXECUTE) {
                    finish(frame.type() == PortalSuspended.TYPE ? "suspended" : "ok");
                }
            }
            case ErrorResponse.TYPE -> {
                return error(head, frame);
            }
            case NoticeResponse.TYPE -> {
                return notice(head, frame);
            }
            case ReadyForQuery.TYPE -> readyForQuery();
            default -> {
                // Everything else passes through untouched.
            }
        }
        return frame;
    }

    private PgFrame row(InFlightCommand head, PgFrame frame) throws IOException {
        CommandResults results = head.results;
        if (!results.described() && head.portal != null && head.portal.rows != null) {
            results.describe(head.portal.rows);
        }
        return results.dataRow(frame);
    }

    /** Rows follow (simple query), or a Describe is answered. */
    private PgFrame rowDescription(InFlightCommand head, PgFrame frame) throws IOException {
        if (head == null) {
            return frame;
        }
        switch (head.kind) {
            case QUERY -> {
                if (head.results != null) {
                    head.results.describe(RowDescription.decode(frame.body()));
                }
            }
            case DESCRIBE_PORTAL -> {
                head.portal.rows = RowDescription.decode(frame.body());
                return describeAnswered(frame);
            }
            case DESCRIBE_STATEMENT -> {
                return describeAnswered(frame);
            }
            default -> {
                // A RowDescription for anything else is the server's business; pass it on.
            }
        }
        return frame;
    }

    private PgFrame describedNothing(InFlightCommand head, PgFrame frame) {
        if (head != null && (head.kind == InFlightCommand.Kind.DESCRIBE_PORTAL
                || head.kind == InFlightCommand.Kind.DESCRIBE_STATEMENT)) {
            return describeAnswered(frame);
        }
        return frame;
    }

    private PgFrame describeAnswered(PgFrame frame) {
        InFlightCommand describe = inFlight.removeHead();
        return describe.injected ? null : frame;
    }

    private PgFrame error(InFlightCommand head, PgFrame frame) throws IOException {
        if (head != null && head.substitute != null) {
            // The server rejected the gateway's stand-in; the client learns the real reason.
            ErrorResponse substitute = head.substitute;
            head.errorSqlState = substitute.sqlState();
            head.errorMessage = substitute.message();
            if (head.kind == InFlightCommand.Kind.BLOCKED_PARSE) {
                inFlight.removeHead();
            }
            return substitute.encode();
        }
        if (head == null || head.kind == InFlightCommand.Kind.SYNC) {
            return frame;
        }
        if (head.kind == InFlightCommand.Kind.DESCRIBE_PORTAL || head.kind == InFlightCommand.Kind.DESCRIBE_STATEMENT) {
            // The error is the batch's (a Bind before the Describe, or the Describe itself), so the
            // client always sees it; the server skips to Sync and the Executes behind are closed
            // at ReadyForQuery.
            inFlight.removeHead();
            return frame;
        }
        ErrorResponse error = ErrorResponse.decode(frame.body());
        head.errorSqlState = error.sqlState();
        head.errorMessage = head.results == null ? error.message() : head.results.recordedMessage(error.message());
        PgFrame forwarded = frame;
        if (head.results != null && head.results.masksClient()) {
            var fields = head.results.clientFields(error.fields());
            forwarded = fields == error.fields() ? frame : new ErrorResponse(fields).encode();
        }
        if (head.kind == InFlightCommand.Kind.EXECUTE) {
            finish("error");
        }
        return forwarded;
    }

    /** A notice can quote data like an error can (RAISE NOTICE '%', email). */
    private PgFrame notice(InFlightCommand head, PgFrame frame) throws IOException {
        if (head == null || head.results == null || !head.results.masksClient()) {
            return frame;
        }
        NoticeResponse notice = NoticeResponse.decode(frame.body());
        var fields = head.results.clientFields(notice.fields());
        return fields == notice.fields() ? frame : new NoticeResponse(fields).encode();
    }

    /**
     * Ends the simple query or function call at the head, or closes an extended batch: Executes
     * still waiting before the Sync were skipped by the server after an earlier error.
     */
    private void readyForQuery() {
        InFlightCommand head;
        while ((head = inFlight.head()) != null) {
            switch (head.kind) {
                case QUERY, FUNCTION_CALL -> {
                    finish(head.substitute != null ? "blocked" : head.failed() ? "error" : "ok");
                    return;
                }
                case EXECUTE -> finish("skipped");
                // An earlier error in the batch meant the server never reached these.
                case BLOCKED_PARSE, DESCRIBE_PORTAL, DESCRIBE_STATEMENT -> inFlight.removeHead();
                case SYNC -> {
                    inFlight.removeHead();
                    return;
                }
            }
        }
    }

    /**
     * Nothing more of the command may reach the client (masking refused a value, or a response is
     * over the size limit), and the stream cannot be resumed in step with the server, so the
     * session ends with the reason, recorded as the command's result.
     */
    private void end(String sqlState, String reason) throws IOException {
        LOG.warn("session {}: {}", recorder.session().id(), reason);
        InFlightCommand head = inFlight.head();
        if (head != null && (head.kind == InFlightCommand.Kind.QUERY || head.kind == InFlightCommand.Kind.EXECUTE
                || head.kind == InFlightCommand.Kind.FUNCTION_CALL)) {
            head.errorSqlState = sqlState;
            head.errorMessage = "tracegate: " + reason;
            finish("refused");
        }
        synchronized (client) {
            client.write(ErrorResponse.of("FATAL", sqlState, "tracegate: " + reason).encode());
            client.flush();
        }
    }

    private void finish(String status) {
        InFlightCommand command = inFlight.removeHead();
        long micros = (System.nanoTime() - command.startedNanos) / 1_000;
        recorder.result(new ResultRecord(command.sequence, status, List.copyOf(command.tags), command.rows(), micros,
                command.errorSqlState, command.errorMessage), command.results == null ? null : command.results.outcome());
    }
}
