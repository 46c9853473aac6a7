package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.CommandComplete;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.EmptyQueryResponse;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.PortalSuspended;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Upstream to client: forwards the server's messages and pairs each command with how it ended.
 *
 * <p>Only the messages that end a command are decoded; DataRows are counted, not parsed, so the
 * relay costs little per row. Writes are flushed when the server has nothing more ready, which
 * keeps large results streaming in big writes without holding them.
 */
final class ServerMessageRelay {

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

    /** Relays until the server closes the connection. */
    void run() throws IOException {
        while (true) {
            PgFrame frame = server.read();
            if (frame == null) {
                client.flush();
                return;
            }
            PgFrame forwarded = observe(frame);
            // The client side writes notices (held commands) to the same client stream.
            synchronized (client) {
                client.write(forwarded);
                if (serverBytes.available() == 0) {
                    client.flush();
                }
            }
        }
    }

    /** Notes what the frame means for the command at the head; returns the frame the client gets. */
    private PgFrame observe(PgFrame frame) throws IOException {
        InFlightCommand head = inFlight.head();
        switch (frame.type()) {
            case DataRow.TYPE -> {
                if (head != null) {
                    head.rowsSeen++;
                }
            }
            case CommandComplete.TYPE -> {
                if (head != null && head.kind != InFlightCommand.Kind.SYNC) {
                    CommandComplete complete = CommandComplete.decode(frame.body());
                    head.complete(complete.tag(), complete.rowCount());
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
                if (head != null && head.kind != InFlightCommand.Kind.SYNC) {
                    ErrorResponse error = ErrorResponse.decode(frame.body());
                    head.errorSqlState = error.sqlState();
                    head.errorMessage = error.message();
                    if (head.kind == InFlightCommand.Kind.EXECUTE) {
                        finish("error");
                    }
                }
            }
            case ReadyForQuery.TYPE -> readyForQuery();
            default -> {
                // Everything else passes through untouched.
            }
        }
        return frame;
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
                // An earlier error in the batch meant the server never reached the blocked Parse.
                case BLOCKED_PARSE -> inFlight.removeHead();
                case SYNC -> {
                    inFlight.removeHead();
                    return;
                }
            }
        }
    }

    private void finish(String status) {
        InFlightCommand command = inFlight.removeHead();
        long micros = (System.nanoTime() - command.startedNanos) / 1_000;
        recorder.result(new ResultRecord(command.sequence, status, List.copyOf(command.tags), command.rows(), micros,
                command.errorSqlState, command.errorMessage));
    }
}
