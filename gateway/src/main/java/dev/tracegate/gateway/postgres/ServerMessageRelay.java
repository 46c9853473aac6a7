package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.engine.RelayInput;
import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.gateway.postgres.results.CommandResults;
import dev.tracegate.gateway.postgres.results.SessionMessageMasking;
import dev.tracegate.gateway.recording.CopiedData;
import dev.tracegate.gateway.recording.ResultEvidence;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.wire.postgres.CopyData;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.ProtocolException;
import dev.tracegate.wire.postgres.backend.CloseComplete;
import dev.tracegate.wire.postgres.backend.CommandComplete;
import dev.tracegate.wire.postgres.backend.CopyInResponse;
import dev.tracegate.wire.postgres.backend.CopyOutResponse;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.FunctionCallResponse;
import dev.tracegate.wire.postgres.backend.NoData;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import dev.tracegate.wire.postgres.backend.NotificationResponse;
import dev.tracegate.wire.postgres.backend.ParameterDescription;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import dev.tracegate.wire.postgres.backend.PortalSuspended;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.backend.RowDescription;
import dev.tracegate.wire.postgres.backend.TransactionStatus;
import dev.tracegate.wire.postgres.frontend.Query;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream to client: forwards the server's messages, masks result rows and server texts where
 * the policy says so, and records how each command ended.
 *
 * <p>Which command a message belongs to is {@link ResponsePairing}'s answer, which follows the
 * server's protocol state machine; a message it cannot pair with certainty ends the session, so
 * rows only ever leave through the masking of the command they belong to. DataRows of clear-text
 * sessions are counted, not parsed, once the evidence has the rows it keeps. Writes are flushed
 * when the server has nothing more ready, which keeps large results streaming in big writes.
 */
final class ServerMessageRelay {

    private static final Logger LOG = LoggerFactory.getLogger(ServerMessageRelay.class);

    private final PgFrameReader server;
    private final RelayInput serverBytes;
    private final PgFrameWriter client;
    private final SessionRecorder recorder;
    private final ResponsePairing pairing;
    private final SessionMessageMasking unpaired;
    private final StatementNamespace namespace = new StatementNamespace();
    /** The command whose answer the namespace refused, which the pairing may already have closed. */
    private InFlightCommand refusing;
    private volatile String failure;
    /** The server has answered everything and is idle outside a transaction (as after start-up, or a ReadyForQuery 'I'). */
    private volatile boolean idle = true;
    /** Set before the gateway's own {@code DISCARD ALL} is sent: from then on the server's messages answer it. */
    private volatile boolean releasing;
    /** The reset's statements answered cleanly so far, and whether the current one's CommandComplete came. */
    private int resetAnswered;
    private boolean resetCompleted;
    private volatile boolean released;
    /** Every setting the server reported since start-up, as it reported it last (read once this side has stopped). */
    private final Map<String, String> reported = new LinkedHashMap<>();

    /** The server reported a setting the gateway cannot read SQL under. */
    private static final class UnsafeSettingException extends Exception {
        UnsafeSettingException(String message) {
            super(message);
        }
    }

    ServerMessageRelay(PgFrameReader server, RelayInput serverBytes, PgFrameWriter client,
                       SessionRecorder recorder, InFlightCommands inFlight, SessionMessageMasking unpaired) {
        this.server = server;
        this.serverBytes = serverBytes;
        this.client = client;
        this.recorder = recorder;
        this.pairing = new ResponsePairing(inFlight);
        this.unpaired = unpaired;
    }

    /**
     * Whether the server waits for the next command outside a transaction, with every answer
     * relayed. Read after {@link InFlightCommands#size()} is seen at 0: a message taken from there
     * clears this before it is taken, so the two together mean nothing is in flight.
     */
    boolean idle() {
        return idle;
    }

    /**
     * Resets the idle backend the client left, for the next session: this side stops relaying and
     * reads the answer to the gateway's {@code DISCARD ALL} (which resets settings, the session
     * authorization, prepared statements, cursors, LISTENs, advisory locks, temporary tables,
     * plans and sequences) and to its check of what that leaves ({@link #RESET}). Called by the client side once it has stopped, when {@link #idle()}.
     */
    void release(PgFrameWriter upstream) throws IOException {
        releasing = true;
        for (ResetStatement statement : RESET) {
            upstream.write(new Query(statement.sql()).encode());
        }
        upstream.flush();
    }

    /** One statement of the reset and the CommandComplete tag that says it ran. */
    private record ResetStatement(String sql, String tag) {
    }

    /**
     * The reset, in order. {@code DISCARD ALL} leaves what lives in the backend outside its
     * settings and catalogs, and the check fails the reset when the session left any of it: a
     * replication origin set up with {@code pg_replication_origin_session_setup} (the next
     * session's commits would carry it, and a subscription with {@code origin = none} skips them;
     * a role not allowed to ask could not have set one up), and a dblink connection, named or
     * unnamed (the next session would query through it with whatever it logged in as).
     */
    private static final List<ResetStatement> RESET = List.of(
            new ResetStatement("DISCARD ALL", "DISCARD ALL"),
            new ResetStatement("""
                    DO $$
                    DECLARE
                        link_schema name;
                        links text[];
                    BEGIN
                        BEGIN
                            IF pg_replication_origin_session_is_setup() THEN
                                RAISE EXCEPTION 'a replication origin is set up';
                            END IF;
                        EXCEPTION WHEN insufficient_privilege THEN NULL;
                        END;
                        SELECT n.nspname INTO link_schema FROM pg_extension e
                            JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'dblink';
                        IF link_schema IS NOT NULL THEN
                            EXECUTE format('SELECT %I.dblink_get_connections()', link_schema) INTO links;
                            IF links IS NOT NULL THEN
                                RAISE EXCEPTION 'dblink connections are open';
                            END IF;
                            BEGIN
                                EXECUTE format('SELECT %I.dblink_disconnect()', link_schema);
                            EXCEPTION WHEN connection_does_not_exist THEN RETURN;
                            END;
                            RAISE EXCEPTION 'an unnamed dblink connection was open';
                        END IF;
                    END
                    $$""", "DO"));

    /** Whether the reset answered exactly as expected (per statement CommandComplete, then ReadyForQuery 'I'); once this side has stopped. */
    boolean released() {
        return released;
    }

    /** The settings the server reported during the session and its reset; once this side has stopped. */
    Map<String, String> reported() {
        return reported;
    }

    /** Why the gateway ended the session from this side, or {@code null} when it did not. */
    String failure() {
        return failure;
    }

    /**
     * Relays until the server closes the connection, or until nothing more may be forwarded
     * (masking refused a value, a response could not be paired, a setting changed): then the
     * client gets a FATAL error saying why and the session ends.
     */
    void run() throws IOException {
        try {
            relay();
        } finally {
            recordUnpairedMasking();
        }
    }

    private void relay() throws IOException {
        while (true) {
            PgFrame frame;
            PgFrame forwarded;
            try {
                if (CostAccounting.ON) {
                    ClientMessageRelay.countRead(serverBytes);
                }
                frame = server.read();
                if (frame == null) {
                    client.flush();
                    return;
                }
                if (releasing) {
                    if (resetEnded(frame)) {
                        return;
                    }
                    continue;
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
            } catch (PairingLostException e) {
                end("08P01", "the gateway cannot tell which command the server's response belongs to: " + e.getMessage()
                        + "; nothing more is forwarded and the session is closed");
                return;
            } catch (UnsafeSettingException e) {
                end("0A000", e.getMessage());
                return;
            }
            // The client side writes notices (held commands) to the same client stream.
            synchronized (client) {
                if (forwarded != null) {
                    client.write(forwarded);
                    if (CostAccounting.ON) {
                        CostAccounting.COPIES.increment();
                    }
                }
                if (!morePending(frame)) {
                    client.flush();
                }
            }
        }
    }

    /**
     * Whether more of the server's answer is at hand, so the flush can wait for it. After a
     * ReadyForQuery the server has answered all it was sent; another answer is at hand only if a
     * pipelining client sent more, and the server writes such answers back to back, so they come
     * in the read that brought this one and sit in the buffer (one that arrives later leaves in a
     * write of its own). So only the buffer is asked there: asking the socket (an ioctl) per
     * statement found nothing for a client that waits for each answer. Mid-answer the socket is
     * asked as well.
     */
    private boolean morePending(PgFrame frame) throws IOException {
        return frame.type() == ReadyForQuery.TYPE ? serverBytes.hasBufferedBytes() : serverBytes.hasPendingBytes();
    }

    /**
     * One message of the reset's answer; whether it ended (then {@link #released} says how). The
     * client has left: notices and notifications (its LISTENs', until the reset ends them) reach no
     * one. Anything but the expected answer leaves the backend unreleased, to be closed.
     */
    private boolean resetEnded(PgFrame frame) throws IOException {
        switch (frame.type()) {
            case ParameterStatus.TYPE -> {
                ParameterStatus status = ParameterStatus.decode(frame.body());
                reported.put(status.name(), status.value());
                return ServerSettingsWatch.refusal(status).isPresent();
            }
            case NoticeResponse.TYPE, NotificationResponse.TYPE -> {
                return false;
            }
            case CommandComplete.TYPE -> {
                boolean first = !resetCompleted;
                resetCompleted = first && CommandComplete.decode(frame.body()).tag().equals(RESET.get(resetAnswered).tag());
                return !resetCompleted;
            }
            case ReadyForQuery.TYPE -> {
                if (!resetCompleted || ReadyForQuery.decode(frame.body()).status() != TransactionStatus.IDLE) {
                    return true;
                }
                resetCompleted = false;
                resetAnswered++;
                released = resetAnswered == RESET.size();
                return released;
            }
            default -> {
                return true;
            }
        }
    }

    /** Pairs the frame with its command and notes what it means; returns the frame the client gets, or null for none. */
    private PgFrame observe(PgFrame frame) throws IOException, PairingLostException, UnsafeSettingException {
        byte type = frame.type();
        if (!ResponsePairing.isAnytime(type)) {
            // Before the pairing takes a message from the session's: see idle().
            idle = false;
        }
        ErrorResponse error = type == ErrorResponse.TYPE ? ErrorResponse.decode(frame.body()) : null;
        ResponsePairing.Answer answer = pairing.pair(type, error != null && endsSession(error));
        for (InFlightCommand skipped : answer.skipped()) {
            // An Execute whose invisible Describe failed did not run either, but the client saw that error.
            finish(skipped, skipped.failed() ? "error" : "skipped");
        }
        InFlightCommand owner = answer.owner();
        if (owner != null && !owner.answered && !ResponsePairing.isAnytime(type)) {
            owner.answered = true;
            refusing = owner;
            namespace.answered(owner, type);
            refusing = null;
        }
        PgFrame forwarded = switch (type) {
            case DataRow.TYPE -> row(owner, frame);
            case RowDescription.TYPE -> rowDescription(owner, frame);
            case NoData.TYPE, ParameterDescription.TYPE -> owner.injected ? null : frame;
            case CopyOutResponse.TYPE -> copyOut(owner, frame);
            case CopyInResponse.TYPE -> copyOpened(owner, CopiedData.Direction.IN, frame);
            case CopyData.TYPE -> copied(owner, frame);
            case CommandComplete.TYPE -> commandComplete(owner, frame);
            case ErrorResponse.TYPE -> error(owner, error, frame);
            case NoticeResponse.TYPE -> notice(owner, frame);
            case NotificationResponse.TYPE -> notification(frame);
            case ParameterStatus.TYPE -> parameterStatus(frame);
            case FunctionCallResponse.TYPE -> functionResult(owner, frame);
            case ReadyForQuery.TYPE -> {
                TransactionStatus status = ReadyForQuery.decode(frame.body()).status();
                namespace.ready(status);
                recordUnpairedMasking();
                idle = status == TransactionStatus.IDLE && pairing.settled();
                yield frame;
            }
            // ParseComplete, BindComplete, CloseComplete, EmptyQueryResponse, PortalSuspended,
            // CopyDone: nothing to mask or note.
            default -> frame;
        };
        if (answer.ends() && owner.kind.isRecordedCommand()) {
            finish(owner, status(owner, type));
        }
        if (answer.ends() && (owner.whenRan != null || !owner.namedBySql.isEmpty()) && ran(owner, type)) {
            namespace.namedBySql(owner.namedBySql);
            if (owner.whenRan != null) {
                owner.whenRan.run();
            }
        }
        return forwarded;
    }

    /** The message's last answer says it ran: no error, not the gateway's stand-in, and a Close closed. */
    private static boolean ran(InFlightCommand owner, byte lastType) {
        return owner.substitute == null && !owner.failed() && lastType != ErrorResponse.TYPE
                && (owner.kind != InFlightCommand.Kind.CLOSE || lastType == CloseComplete.TYPE);
    }

    private static boolean endsSession(ErrorResponse error) {
        return "FATAL".equals(error.severity()) || "PANIC".equals(error.severity());
    }

    private static String status(InFlightCommand command, byte lastType) {
        if (command.substitute != null) {
            return "blocked";
        }
        if (command.failed()) {
            return "error";
        }
        return lastType == PortalSuspended.TYPE ? "suspended" : "ok";
    }

    private PgFrame row(InFlightCommand owner, PgFrame frame) throws IOException {
        owner.rowsSeen++;
        CommandResults results = owner.results;
        if (results == null) {
            return frame;
        }
        if (!results.described() && owner.portal != null && owner.portal.rows != null) {
            results.describe(owner.portal.rows);
        }
        return results.dataRow(frame);
    }

    /** Rows follow (simple query), or a Describe is answered. */
    private PgFrame rowDescription(InFlightCommand owner, PgFrame frame) throws IOException {
        switch (owner.kind) {
            case QUERY -> {
                if (owner.results != null) {
                    owner.results.describe(RowDescription.decode(frame.body()));
                }
            }
            case DESCRIBE_PORTAL -> {
                owner.portal.rows = RowDescription.decode(frame.body());
                return owner.injected ? null : frame;
            }
            default -> {
                // A statement's description: the client's business.
            }
        }
        return frame;
    }

    private static PgFrame copyOut(InFlightCommand owner, PgFrame frame) {
        if (owner.results != null && owner.results.masksClient()) {
            // The guard refuses COPY TO STDOUT for masked callers; this is the backstop.
            throw new MaskingRefusedException(null, "COPY", "COPY data cannot be masked");
        }
        return copyOpened(owner, CopiedData.Direction.OUT, frame);
    }

    /** The server opened a COPY of the command: the data that moves that way is recorded with its result. */
    private static PgFrame copyOpened(InFlightCommand owner, CopiedData.Direction direction, PgFrame frame) {
        if (owner != null && owner.copied != null) {
            owner.copied.opened(direction);
        }
        return frame;
    }

    /** The server's CopyData belong to the COPY TO STDOUT of the command they answer. */
    private static PgFrame copied(InFlightCommand owner, PgFrame frame) {
        if (owner != null && owner.copied != null) {
            owner.copied.add(CopiedData.Direction.OUT, frame.body());
        }
        return frame;
    }

    private static PgFrame commandComplete(InFlightCommand owner, PgFrame frame) throws IOException {
        CommandComplete complete = CommandComplete.decode(frame.body());
        owner.complete(complete.tag(), complete.rowCount());
        if (owner.results != null) {
            owner.results.endResultSet();
        }
        return frame;
    }

    private PgFrame error(InFlightCommand owner, ErrorResponse error, PgFrame frame) {
        boolean fatal = endsSession(error);
        if (owner != null && owner.substitute != null && !fatal) {
            // The server rejected the gateway's stand-in; the client learns the real reason.
            owner.errorSqlState = owner.substitute.sqlState();
            owner.errorMessage = owner.substitute.message();
            return owner.substitute.encode();
        }
        InFlightCommand recorded = owner != null && owner.injected ? owner.execute : owner;
        if (recorded != null && recorded.kind.isRecordedCommand()) {
            recorded.errorSqlState = error.sqlState();
            recorded.errorMessage = recorded.results == null ? error.message()
                    : recorded.results.recordedMessage(error.message(), error.sqlState());
        }
        Map<Character, String> fields = clientFields(owner, error.fields());
        return fields == error.fields() ? frame : new ErrorResponse(fields).encode();
    }

    /** A notice can quote data like an error can (RAISE NOTICE '%', email). */
    private PgFrame notice(InFlightCommand owner, PgFrame frame) throws IOException {
        NoticeResponse notice = NoticeResponse.decode(frame.body());
        Map<Character, String> fields = clientFields(owner, notice.fields());
        return fields == notice.fields() ? frame : new NoticeResponse(fields).encode();
    }

    /** A command's own texts go through its masking (and its report); any other through the session's. */
    private Map<Character, String> clientFields(InFlightCommand owner, Map<Character, String> fields) {
        InFlightCommand command = owner != null && owner.injected ? owner.execute : owner;
        if (command != null && command.results != null && command.results.masksClient()) {
            return command.results.clientFields(fields);
        }
        return unpaired.fields(fields);
    }

    /** A NOTIFY payload is whatever a session put there: pg_notify('tg', email) from anyone. */
    private PgFrame notification(PgFrame frame) throws IOException {
        NotificationResponse notification = NotificationResponse.decode(frame.body());
        NotificationResponse masked = unpaired.notification(notification);
        return masked == notification ? frame : masked.encode();
    }

    private PgFrame parameterStatus(PgFrame frame) throws IOException, UnsafeSettingException {
        ParameterStatus status = ParameterStatus.decode(frame.body());
        reported.put(status.name(), status.value());
        Optional<String> refusal = ServerSettingsWatch.refusal(status);
        if (refusal.isPresent()) {
            throw new UnsafeSettingException(refusal.get());
        }
        String value = unpaired.parameterValue(status.value());
        return value.equals(status.value()) ? frame : new ParameterStatus(status.name(), value).encode();
    }

    private static PgFrame functionResult(InFlightCommand owner, PgFrame frame) throws IOException {
        if (owner.results == null || !owner.results.masksClient()) {
            return frame;
        }
        byte[] value = FunctionCallResponse.decode(frame.body()).result();
        byte[] masked = owner.results.functionResult(value, owner.binaryResult);
        return masked == value ? frame : new FunctionCallResponse(masked).encode();
    }

    /**
     * Nothing more may reach the client (masking refused a value, a response is over the size
     * limit or cannot be paired, a setting changed), and the stream cannot be resumed in step with
     * the server, so the session ends with the reason, recorded as the current command's result.
     */
    private void end(String sqlState, String reason) throws IOException {
        failure = reason;
        LOG.warn("session {}: {}", recorder.session().id(), reason);
        InFlightCommand current = refusing != null ? refusing : pairing.current();
        if (current != null && current.kind.isRecordedCommand()) {
            current.errorSqlState = sqlState;
            current.errorMessage = "tracegate: " + reason;
            finish(current, "refused");
        }
        synchronized (client) {
            client.write(ErrorResponse.of("FATAL", sqlState, "tracegate: " + reason).encode());
            client.flush();
        }
    }

    private void recordUnpairedMasking() {
        ResultEvidence.MaskingApplied applied = unpaired.takeApplied();
        if (applied != null) {
            recorder.maskedOutsideCommands(applied);
        }
    }

    /**
     * Closes every recorded command the server had not answered when the session ended (the client
     * sent Terminate behind it, or went away, or the upstream connection was lost) with a
     * {@code command.result} of status {@code unanswered}: its {@code command} event says it was sent,
     * and the server may have run it. Called once the server side has stopped.
     */
    void recordUnanswered(String ending) {
        for (InFlightCommand command : pairing.unanswered()) {
            if (command.kind.isRecordedCommand() && !command.finished) {
                command.errorSqlState = "08006"; // connection_failure: the connection ended before the answer
                command.errorMessage = "tracegate: the session ended (" + ending + ") before the server answered;"
                        + " the server may have run it";
                finish(command, "unanswered");
            }
        }
    }

    private void finish(InFlightCommand command, String status) {
        command.finished = true;
        long micros = (System.nanoTime() - command.startedNanos) / 1_000;
        ResultRecord result = new ResultRecord(command.sequence, status, command.tags(), command.rows(), micros,
                command.errorSqlState, command.errorMessage);
        if (command.copied != null) {
            result = result.withCopied(command.copied.moved(CopiedData.Direction.IN), command.copied.moved(CopiedData.Direction.OUT));
        }
        recorder.result(result, command.results == null ? null : command.results.outcome());
    }
}
