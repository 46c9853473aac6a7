package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.frontend.Bind;
import dev.tracegate.wire.postgres.frontend.Close;
import dev.tracegate.wire.postgres.frontend.Execute;
import dev.tracegate.wire.postgres.frontend.FunctionCall;
import dev.tracegate.wire.postgres.frontend.Parse;
import dev.tracegate.wire.postgres.frontend.Query;
import dev.tracegate.wire.postgres.frontend.Sync;
import dev.tracegate.wire.postgres.frontend.Terminate;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Client to upstream: reads the client's messages, records each command, and forwards them.
 *
 * <p>Write-ahead: frames are collected in an outbox while the client has more bytes ready (a
 * pipelined batch arrives in one read), the batch's command events are awaited together, and
 * only then is the batch written upstream. One durable wait per batch keeps pipelines fast.
 */
final class ClientMessageRelay {

    private static final int MAX_OUTBOX_BYTES = 1024 * 1024;

    private final PgFrameReader client;
    private final InputStream clientBytes;
    private final PgFrameWriter upstream;
    private final SessionRecorder recorder;
    private final InFlightCommands inFlight;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Map<String, BoundPortal> portals = new HashMap<>();
    private final List<PgFrame> outbox = new ArrayList<>();
    private final List<CompletableFuture<Long>> pendingEvents = new ArrayList<>();
    private final List<InFlightCommand> pendingCommands = new ArrayList<>();
    private int outboxBytes;
    private long sequence;

    /** A Parse's statement: its text and the parameter types it declared. */
    private record PreparedStatement(String text, int[] parameterTypes) {
        int type(int index) {
            return index < parameterTypes.length ? parameterTypes[index] : 0;
        }
    }

    /** A Bind's portal: which statement it runs, with which parameters. */
    private record BoundPortal(String statement, String text, List<String> parameters) {
    }

    ClientMessageRelay(PgFrameReader client, InputStream clientBytes, PgFrameWriter upstream,
                       SessionRecorder recorder, InFlightCommands inFlight) {
        this.client = client;
        this.clientBytes = clientBytes;
        this.upstream = upstream;
        this.recorder = recorder;
        this.inFlight = inFlight;
    }

    /**
     * Relays until the client terminates or disconnects.
     *
     * @return why the session ended
     */
    String run() throws IOException, EvidenceLogUnavailableException {
        while (true) {
            PgFrame frame = client.read();
            if (frame == null) {
                drain();
                return "client disconnected";
            }
            inspect(frame);
            outbox.add(frame);
            outboxBytes += frame.wireLength();
            if (frame.type() == Terminate.TYPE) {
                drain();
                return "client terminated";
            }
            if (clientBytes.available() == 0 || outboxBytes >= MAX_OUTBOX_BYTES) {
                drain();
            }
        }
    }

    private void inspect(PgFrame frame) throws IOException {
        switch (frame.type()) {
            case Query.TYPE -> {
                Query query = Query.decode(frame.body());
                command(InFlightCommand.Kind.QUERY, new CommandRecord(++sequence, "Query", query.sql(), null, null, null, null, null));
            }
            case Parse.TYPE -> {
                Parse parse = Parse.decode(frame.body());
                statements.put(parse.statementName(), new PreparedStatement(parse.query(), parse.parameterTypeOids()));
            }
            case Bind.TYPE -> {
                Bind bind = Bind.decode(frame.body());
                PreparedStatement statement = statements.get(bind.statementName());
                portals.put(bind.portalName(), new BoundPortal(bind.statementName(),
                        statement == null ? null : statement.text(), parameters(bind, statement)));
            }
            case Execute.TYPE -> {
                Execute execute = Execute.decode(frame.body());
                BoundPortal portal = portals.get(execute.portalName());
                String text = portal == null ? null : portal.text();
                command(InFlightCommand.Kind.EXECUTE, new CommandRecord(++sequence, "Execute",
                        text == null ? "" : text, portal == null ? null : portal.statement(),
                        portal == null ? List.of() : portal.parameters(), null, null, null));
            }
            case Close.TYPE -> {
                Close close = Close.decode(frame.body());
                (close.kind() == 'S' ? statements : portals).remove(close.name());
            }
            case Sync.TYPE -> {
                pendingCommands.add(new InFlightCommand(InFlightCommand.Kind.SYNC, 0));
            }
            case FunctionCall.TYPE -> {
                FunctionCall call = FunctionCall.decode(frame.body());
                List<String> args = new ArrayList<>();
                for (int i = 0; i < call.arguments().length; i++) {
                    args.add(ParameterText.render(call.arguments()[i], isBinary(call.argumentFormats(), i), 0));
                }
                command(InFlightCommand.Kind.FUNCTION_CALL, new CommandRecord(++sequence, "FunctionCall",
                        "function oid " + call.functionOid(), null, args, null, null, null));
            }
            default -> {
                // Describe, Flush, CopyData, CopyDone, CopyFail and Terminate carry no command.
            }
        }
    }

    private void command(InFlightCommand.Kind kind, CommandRecord record) {
        pendingEvents.add(recorder.command(record));
        pendingCommands.add(new InFlightCommand(kind, record.sequence()));
    }

    /** Waits until the batch's command events are durable, then forwards the batch. */
    private void drain() throws IOException, EvidenceLogUnavailableException {
        for (CompletableFuture<Long> event : pendingEvents) {
            EvidenceLog.awaitDurable(event);
        }
        pendingEvents.clear();
        long now = System.nanoTime();
        for (InFlightCommand command : pendingCommands) {
            command.startedNanos = now;
            inFlight.add(command);
        }
        pendingCommands.clear();
        for (PgFrame frame : outbox) {
            upstream.write(frame);
        }
        upstream.flush();
        outbox.clear();
        outboxBytes = 0;
    }

    private static List<String> parameters(Bind bind, PreparedStatement statement) {
        List<String> values = new ArrayList<>(bind.parameters().length);
        for (int i = 0; i < bind.parameters().length; i++) {
            int type = statement == null ? 0 : statement.type(i);
            values.add(ParameterText.render(bind.parameters()[i], bind.isBinaryParameter(i), type));
        }
        return values;
    }

    private static boolean isBinary(short[] formats, int index) {
        if (formats.length == 0) {
            return false;
        }
        return (formats.length == 1 ? formats[0] : formats[index]) == 1;
    }
}
