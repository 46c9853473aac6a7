package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.engine.HeldCommandText;
import dev.tracegate.gateway.engine.RelayInput;
import dev.tracegate.gateway.engine.SessionKeyRevokedException;
import dev.tracegate.gateway.engine.UnshownValue;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Command;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.lineage.MaskedStatements;
import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.gateway.postgres.results.ColumnResolver;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.gateway.postgres.results.ResultShapes;
import dev.tracegate.gateway.postgres.results.CommandResults;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.gateway.recording.CopiedData;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.gateway.lineage.DatabaseRoutinesCache;
import dev.tracegate.policy.sql.NotNullColumnTests;
import dev.tracegate.policy.sql.PreparedText;
import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import dev.tracegate.policy.sql.StatementClass;
import dev.tracegate.policy.trace.TraceContextExtractor;
import dev.tracegate.wire.postgres.CopyData;
import dev.tracegate.wire.postgres.CopyDone;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.frontend.Bind;
import dev.tracegate.wire.postgres.frontend.Close;
import dev.tracegate.wire.postgres.frontend.CopyFail;
import dev.tracegate.wire.postgres.frontend.Describe;
import dev.tracegate.wire.postgres.frontend.Execute;
import dev.tracegate.wire.postgres.frontend.Flush;
import dev.tracegate.wire.postgres.frontend.FunctionCall;
import dev.tracegate.wire.postgres.frontend.Parse;
import dev.tracegate.wire.postgres.frontend.Query;
import dev.tracegate.wire.postgres.frontend.Sync;
import dev.tracegate.wire.postgres.frontend.Terminate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client to upstream: reads the client's messages, asks the guard about each command, records
 * it, and forwards, blocks or holds it.
 *
 * <p>Write-ahead: frames are collected in an outbox while the client has more bytes ready (a
 * pipelined batch arrives in one read), the batch's command events are awaited together, and
 * only then is the batch written upstream. One durable wait per batch keeps pipelines fast.
 *
 * <p>Blocking keeps client and server in step (postgres-notes.md): the upstream receives, in
 * place of the blocked message, one that fails the same way at the same point, so it aborts the
 * transaction and skips to Sync exactly as for any error; the server's error is then replaced
 * by the gateway's own (SQLSTATE 42501, naming the rule).
 */
final class ClientMessageRelay {

    private static final int[] NO_PARAMETER_TYPES = {};

    /** Why a session ends when its client said goodbye (Terminate). */
    static final String TERMINATED = "client terminated";
    private static final int MAX_OUTBOX_BYTES = 1024 * 1024;
    /** Messages waiting for the server's answer, beyond which the session ends (they are held in memory). */
    private static final int MAX_UNANSWERED = 100_000;
    /** Fails in the parser, before anything runs, at the position of the blocked statement. */
    private static final String FAILING_SQL = "tracegate blocked this statement";
    /**
     * A portal no client can have made (Bind or DECLARE), so an Execute of it fails before
     * anything runs: the stand-in for a refused Execute. Within PostgreSQL's 63 bytes of a name.
     */
    private static final String MISSING_PORTAL = "tracegate refused " + UUID.randomUUID();
    private static final ErrorResponse SKIPPED_RUN = ErrorResponse.of("ERROR", "42501", "tracegate: this run needs an"
            + " approval of its own and follows a refused message; the statement was not executed");
    private static final Pattern SET_APPLICATION_NAME = Pattern.compile(
            "(?is)\\s*SET\\s+(?:SESSION\\s+)?application_name\\s*(?:=|TO)\\s*'((?:[^']|'')*)'\\s*;?\\s*");

    private final PgFrameReader client;
    private final RelayInput clientBytes;
    private final PgFrameWriter upstream;
    private final SessionRecorder recorder;
    private final InFlightCommands inFlight;
    private final Subject subject;
    private final Guard guard;
    private final CommandGate gate;
    private final CommandHold hold;
    private final ColumnResolver columns;
    private final FastPathFunctionNames functions;
    private final NotNullColumnTests.NotNullColumns notNullColumns;
    private final DatabaseRoutinesCache calledCode;
    /** The result shapes this session met, named once while their naming holds. */
    private final ResultShapes shapes;
    private final MaskedStatements lineage;
    private final int resultDataBytes;
    /** The backend may serve another session after this one: the client's Terminate is not forwarded. */
    private final boolean keepsBackend;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final PreparedStatementNames sqlPrepared = new PreparedStatementNames();
    private final DeclaredCursors cursors = new DeclaredCursors();
    private final Map<String, BoundPortal> portals = new HashMap<>();
    /**
     * Statements held at Parse and approved, not yet bound: an approval lets its statement run
     * once, so the first Bind after it takes it, and any other run is put to approvers again.
     */
    private final Set<PreparedStatement> approvedRuns = Collections.newSetFromMap(new IdentityHashMap<>());
    /**
     * A stand-in of an extended-protocol message went upstream since the last Sync: it fails, so
     * the server skips every message up to the next Sync, and no run there is put to approvers.
     */
    private boolean failingUntilSync;
    /** Syncs sent so far, and extended-protocol messages since the last one (a Parse among them may be skipped). */
    private long syncs;
    private int extendedSinceSync;
    private final List<PgFrame> outbox = new ArrayList<>();
    private final List<CompletableFuture<Long>> pendingEvents = new ArrayList<>();
    private final List<InFlightCommand> pendingCommands = new ArrayList<>();
    /** Frames of this batch that answer nothing in any state, so are not kept for pairing. */
    private int unregistered;
    private InFlightCommand.Kind lastRegistered;
    /**
     * CopyData came since the last CopyDone or CopyFail: the next one may end another COPY of the
     * same Query ({@code COPY a FROM STDIN; COPY b FROM STDIN}), so it is no repeat.
     */
    private boolean copyDataSinceCopyEnd;
    private int outboxBytes;
    /** The session's command seqs, shared with the cancels recorded in it from their own threads ({@link SessionCancels}). */
    private final AtomicLong sequences;
    /** The seq of this relay's last command. */
    private long sequence;
    /** The last Query or Execute, whose COPY FROM STDIN the CopyData that follow it feed; null before any. */
    private InFlightCommand copyTarget;

    /** A Parse's statement: its text, declared parameter types and what the guard made of it. */
    /**
     * @param admitted  the Parse went upstream as written (allowed or approved); a refused one was
     *                  replaced by a failing stand-in, so its Executes fail or are skipped anyway
     * @param ruledAs   what the policy decided at Parse (ALLOW, or APPROVE when it was held and approved)
     * @param displaced the statement the client's map held under the same name before this Parse, which
     *                  the server may still hold: it refuses a Parse of a name that exists, and skips a
     *                  Parse after an error (the unnamed statement then stays too); {@code null} when
     *                  none or when the Parse cannot leave it (the first extended message since a Sync)
     * @param batch     the Syncs sent before this Parse: a Bind before the next Sync runs this statement
     *                  or is skipped with it, never the displaced one
     */
    private record PreparedStatement(String text, int[] parameterTypes, String statementClass, boolean admitted,
                                     Action ruledAs, PreparedStatement displaced, long batch) {
        int type(int index) {
            return index < parameterTypes.length ? parameterTypes[index] : 0;
        }
    }

    /**
     * A Bind's portal: which statement it runs, with which parameters, and what its rows are.
     *
     * @param approved an approval covers this run: the one its statement's Parse was approved for, or
     *                 one asked for at its first Execute (later Executes of it fetch more rows of the same run)
     * @param afterSync bound in a later batch than its statement was parsed in: the server may bind a
     *                 statement the Parse displaced
     */
    private record BoundPortal(String statement, PreparedStatement prepared, List<String> parameters,
                               List<UnshownValue> unshown, PortalDescription description, boolean approved,
                               boolean afterSync) {
        BoundPortal approvedRun() {
            return new BoundPortal(statement, prepared, parameters, unshown, description, true, afterSync);
        }

        BoundPortal describedAgain(PortalDescription fresh) {
            return new BoundPortal(statement, prepared, parameters, unshown, fresh, approved, afterSync);
        }
    }

    ClientMessageRelay(PgFrameReader client, RelayInput clientBytes, PgFrameWriter upstream, SessionRecorder recorder,
                       InFlightCommands inFlight, Subject subject, Guard guard, CommandGate gate, CommandHold hold,
                       ColumnResolver columns, MaskedStatements lineage, UpstreamCatalog catalog,
                       DatabaseRoutinesCache calledCode, int resultDataBytes, boolean keepsBackend, AtomicLong sequences) {
        this.client = client;
        this.clientBytes = clientBytes;
        this.upstream = upstream;
        this.recorder = recorder;
        this.inFlight = inFlight;
        this.subject = subject;
        this.guard = guard;
        this.gate = gate;
        this.hold = hold;
        this.columns = columns;
        this.shapes = new ResultShapes(columns);
        this.lineage = lineage;
        this.functions = new FastPathFunctionNames(catalog);
        this.notNullColumns = NotNullColumnsCatalog.of(catalog);
        this.calledCode = calledCode;
        this.resultDataBytes = resultDataBytes;
        this.keepsBackend = keepsBackend;
        this.sequences = sequences;
    }

    /**
     * Relays until the client terminates or disconnects.
     *
     * @return why the session ended
     */
    String run() throws IOException, EvidenceLogUnavailableException {
        while (true) {
            if (CostAccounting.ON) {
                countRead(clientBytes);
            }
            PgFrame frame = client.read();
            if (frame == null) {
                drain();
                return "client disconnected";
            }
            if (keepsBackend && frame.type() == Terminate.TYPE) {
                // The session decides whether the backend is reset and kept or closed.
                drain();
                return TERMINATED;
            }
            PgFrame forwarded = inspect(frame);
            outbox.add(forwarded);
            outboxBytes += forwarded.wireLength();
            if (frame.type() == Terminate.TYPE) {
                drain();
                return TERMINATED;
            }
            if (!clientBytes.hasPendingBytes() || outboxBytes >= MAX_OUTBOX_BYTES) {
                drain();
            }
        }
    }

    /** Returns the frame to forward: the client's own, or a deterministically failing stand-in. */
    private PgFrame inspect(PgFrame frame) throws IOException, EvidenceLogUnavailableException {
        PgFrame forwarded = forwarded(frame);
        if (isExtended(frame.type())) {
            extendedSinceSync++;
        }
        return forwarded;
    }

    private static boolean isExtended(byte type) {
        return type == Parse.TYPE || type == Bind.TYPE || type == Execute.TYPE || type == Describe.TYPE
                || type == Close.TYPE;
    }

    private PgFrame forwarded(PgFrame frame) throws IOException, EvidenceLogUnavailableException {
        return switch (frame.type()) {
            case Query.TYPE -> query(frame);
            case Parse.TYPE -> parse(frame);
            case Bind.TYPE -> {
                bind(Bind.decode(frame.body()));
                yield frame;
            }
            case Execute.TYPE -> execute(frame);
            case Describe.TYPE -> {
                describe(Describe.decode(frame.body()));
                yield frame;
            }
            case Close.TYPE -> {
                close(Close.decode(frame.body()));
                yield frame;
            }
            case Sync.TYPE -> {
                failingUntilSync = false;
                syncs++;
                extendedSinceSync = 0;
                yield expected(frame, InFlightCommand.Kind.SYNC);
            }
            case Flush.TYPE -> expected(frame, InFlightCommand.Kind.FLUSH);
            case CopyData.TYPE -> {
                if (copyTarget != null) {
                    copyTarget.copied.add(CopiedData.Direction.IN, frame.body());
                }
                yield expected(frame, InFlightCommand.Kind.COPY_DATA);
            }
            case CopyDone.TYPE -> copyEnd(frame, InFlightCommand.Kind.COPY_DONE);
            case CopyFail.TYPE -> copyEnd(frame, InFlightCommand.Kind.COPY_FAIL);
            case Terminate.TYPE -> expected(frame, InFlightCommand.Kind.TERMINATE);
            case FunctionCall.TYPE -> functionCall(frame);
            // The server would end the session too; the gateway does not forward what it cannot pair.
            default -> throw new ProtocolException("unexpected message type '" + PrintableBytes.typeName(frame.type())
                    + "' after start-up");
        };
    }

    /**
     * Notes that {@code frame} goes upstream as a message with no command of its own, so the
     * server side pairs responses knowing every message that changes what the server answers;
     * returns the frame. Flush and CopyData never change it (a COPY reads them, anything else
     * ignores them), nor does a CopyDone or CopyFail right after another with no CopyData between
     * (only the first can end a COPY): those are not kept, so a flood of them cannot grow the queue.
     */
    private PgFrame expected(PgFrame frame, InFlightCommand.Kind kind) {
        boolean repeatedCopyEnd = isCopyEnd(kind) && isCopyEnd(lastRegistered) && !copyDataSinceCopyEnd;
        copyDataSinceCopyEnd = kind == InFlightCommand.Kind.COPY_DATA || copyDataSinceCopyEnd && !isCopyEnd(kind);
        if (kind == InFlightCommand.Kind.FLUSH || kind == InFlightCommand.Kind.COPY_DATA || repeatedCopyEnd) {
            unregistered++;
        } else {
            register(InFlightCommand.of(kind));
        }
        return frame;
    }

    /**
     * A CopyDone or CopyFail ends the data of the COPY that reads it: what follows, until the next
     * statement, is another COPY's of the same command or no COPY's, and is not counted as this one's.
     */
    private PgFrame copyEnd(PgFrame frame, InFlightCommand.Kind kind) {
        if (copyTarget != null) {
            copyTarget.copied.inputEnded();
        }
        return expected(frame, kind);
    }

    private static boolean isCopyEnd(InFlightCommand.Kind kind) {
        return kind == InFlightCommand.Kind.COPY_DONE || kind == InFlightCommand.Kind.COPY_FAIL;
    }

    /**
     * {@code command} is the one whose COPY FROM STDIN the client's CopyData from now on feed, if it
     * opens one: a COPY reads only CopyData sent after its statement, and until the next statement.
     * What it moved is recorded with its result (only when the server opened the COPY).
     */
    private void copying(InFlightCommand command, Ruling ruling) {
        command.copied = ruling.recording().copiedData();
        copyTarget = command;
    }

    /** A message goes upstream in this batch, in this order; the server side pairs its answers with it. */
    private void register(InFlightCommand message) {
        pendingCommands.add(message);
        lastRegistered = message.kind;
    }

    private PgFrame query(PgFrame frame) throws IOException, EvidenceLogUnavailableException {
        String sql = Query.decode(frame.body()).sql();
        if (CostAccounting.ON) {
            CostAccounting.COPIES.increment();
        }
        Ruling ruling = decideSql(sql);
        followApplicationName(sql);
        long seq = sequence = sequences.incrementAndGet();
        command(ruling, new CommandRecord(seq, "Query", sql, null, null, trace(sql), ruling.statementClass(),
                ruling.decision().rule()));
        InFlightCommand command = new InFlightCommand(InFlightCommand.Kind.QUERY, seq);
        command.results = newResults(ruling);
        copying(command, ruling);
        ErrorResponse refusal = admit(seq, sql, null, List.of(), ruling);
        if (refusal == null) {
            // Noted once admitted (a refused query's stand-in prepares nothing) and before anything after it is judged.
            noteSqlNames(ruling, command);
        }
        register(command);
        if (refusal == null) {
            return frame;
        }
        command.substitute = refusal;
        return new Query(FAILING_SQL).encode();
    }

    private PgFrame parse(PgFrame frame) throws IOException, EvidenceLogUnavailableException {
        Parse parse = Parse.decode(frame.body());
        if (CostAccounting.ON) {
            CostAccounting.COPIES.increment();
        }
        Ruling ruling = decideSql(parse.query(), parse.parameterTypeOids());
        if (ruling.decision().action() == Action.ALLOW || heldAtEachRun(ruling, parse.query())) {
            PreparedStatement prepared = prepared(parse, ruling, true);
            parsed(parse, prepared, 0);
            return frame;
        }
        // A held or blocked statement is recorded at Parse: its Executes may never come.
        long seq = sequence = sequences.incrementAndGet();
        command(ruling, new CommandRecord(seq, "Parse", parse.query(), parse.statementName(), null, trace(parse.query()),
                ruling.statementClass(), ruling.decision().rule()));
        ErrorResponse refusal = admit(seq, parse.query(), null, List.of(), ruling);
        PreparedStatement prepared = prepared(parse, ruling, refusal == null);
        if (refusal == null) {
            recorder.carriedOutByLaterCommands(seq); // its Executes run it, each a command with its result
            if (ruling.decision().action() == Action.APPROVE) {
                approvedRuns.add(prepared);
            }
            parsed(parse, prepared, 0);
            return frame;
        }
        parsed(parse, prepared, seq).substitute = refusal;
        failingUntilSync = true;
        return new Parse(parse.statementName(), FAILING_SQL, new int[0]).encode();
    }

    /**
     * A statement the policy holds whose text has parameters ({@code $1}) is not put to approvers at
     * its Parse, where they would see only the placeholders and approve a run with whatever values
     * the next Bind brings: the Parse goes upstream (preparing runs nothing), and each Execute of it
     * is held with its bound values shown (see {@link #needsApprovalAgain}).
     */
    private static boolean heldAtEachRun(Ruling ruling, String text) {
        if (ruling.decision().action() != Action.APPROVE) {
            return false;
        }
        for (SqlToken token : SqlLexer.lex(text).tokens()) {
            if (token.kind() == SqlToken.Kind.PARAMETER) {
                return true;
            }
        }
        return false;
    }

    private PreparedStatement prepared(Parse parse, Ruling ruling, boolean admitted) throws ProtocolException {
        PreparedStatement replaced = statements.get(parse.statementName());
        PreparedStatement displaced = parse.statementName().isEmpty() && extendedSinceSync == 0 ? null
                : approvedOf(replaced);
        PreparedStatement prepared = new PreparedStatement(parse.query(), parse.parameterTypeOids(), ruling.statementClass(),
                admitted, ruling.decision().action(), displaced, syncs);
        statements.put(parse.statementName(), prepared);
        if (replaced != null) {
            approvedRuns.remove(replaced);
        }
        sqlPrepared.parsed(parse.statementName(), ruling.decision().statementClass() == null ? null
                : new PreparedText(ruling.decision().statementClass(), ruling.decision().tables(), parse.query()), admitted);
        if (ruling.classification() != null) {
            ruling.classification().statements().forEach(cursors::parsed);
        }
        return prepared;
    }

    /** Notes the Parse going upstream and the statement it creates if the server accepts it. */
    private InFlightCommand parsed(Parse parse, PreparedStatement prepared, long seq) {
        InFlightCommand entry = new InFlightCommand(InFlightCommand.Kind.PARSE, seq);
        entry.statementName = parse.statementName();
        entry.statement = prepared;
        register(entry);
        return entry;
    }

    private void bind(Bind bind) {
        PreparedStatement statement = statements.get(bind.statementName());
        List<String> values = new ArrayList<>(bind.parameters().length);
        for (int i = 0; i < bind.parameters().length; i++) {
            int type = statement == null ? 0 : statement.type(i);
            values.add(ParameterText.render(bind.parameters()[i], bind.isBinaryParameter(i), type));
        }
        // Taken even if the Bind fails: a run the approval was for was attempted.
        boolean approved = statement != null && approvedRuns.remove(statement);
        portals.put(bind.portalName(), new BoundPortal(bind.statementName(), statement, values,
                ParameterText.unshown(bind.parameters()), new PortalDescription(), approved, statement != null && statement.batch() != syncs));
        InFlightCommand entry = InFlightCommand.of(InFlightCommand.Kind.BIND);
        entry.portalName = bind.portalName();
        entry.statementName = bind.statementName();
        register(entry);
    }

    private void close(Close close) {
        InFlightCommand entry = InFlightCommand.of(InFlightCommand.Kind.CLOSE);
        if (close.kind() == Close.STATEMENT) {
            PreparedStatement closed = statements.remove(close.name());
            if (closed != null) {
                approvedRuns.remove(closed);
            }
            entry.whenRan = forgetting(sqlPrepared.closing(close.name()));
            entry.statementName = close.name();
        } else {
            portals.remove(close.name());
            entry.portalName = close.name();
        }
        register(entry);
    }

    private void describe(Describe describe) {
        if (describe.kind() == Describe.STATEMENT) {
            register(InFlightCommand.of(InFlightCommand.Kind.DESCRIBE_STATEMENT));
            return;
        }
        BoundPortal portal = portals.get(describe.name());
        InFlightCommand answer = InFlightCommand.of(InFlightCommand.Kind.DESCRIBE_PORTAL);
        answer.portal = portal == null ? new PortalDescription() : portal.description();
        answer.portal.requested = true;
        answer.portal.asOf = sequence;
        register(answer);
    }

    private PgFrame execute(PgFrame frame) throws IOException, EvidenceLogUnavailableException {
        Execute execute = Execute.decode(frame.body());
        BoundPortal portal = portals.get(execute.portalName());
        PreparedStatement prepared = portal == null ? null : portal.prepared();
        boolean preparedBySql = portal != null && prepared == null && !portal.statement().isEmpty();
        // A statement the gateway did not see parsed was prepared by SQL: it runs what EXECUTE of it runs.
        String text = prepared != null ? prepared.text() : preparedBySql ? PreparedStatementNames.asExecute(portal.statement())
                : "";
        // Ruled on at Parse; asked again so its rows are masked as the policy says now.
        Ruling ruling = decideSql(text);
        if (prepared != null && prepared.admitted()) {
            refuseIfMaskingNowRefuses(ruling);
            refuseIfPolicyNowRefuses(prepared, ruling);
        }
        if (prepared != null && portal.afterSync()) {
            refuseIfADisplacedStatementMayRun(portal.statement(), prepared);
        }
        if (preparedBySql) {
            refuseUnlessAllowed(portal.statement(), ruling);
        }
        CommandResults results = newResults(ruling);
        // A portal the gateway did not see bound (a cursor DECLAREd in SQL) is described all the same.
        PortalDescription description = portal == null ? new PortalDescription() : portal.description();
        if (description.requested && description.asOf != sequence) {
            // SQL run since the Describe may have closed the portal and DECLAREd another of its name.
            description = new PortalDescription();
            portal = portal.describedAgain(description);
            portals.put(execute.portalName(), portal);
        }
        InFlightCommand ask = null;
        if (results != null && !description.requested) {
            // Masking needs to know the rows; ask for them ahead of the Execute, invisibly.
            PgFrame describe = Describe.portal(execute.portalName()).encode();
            outbox.add(describe);
            outboxBytes += describe.wireLength();
            ask = InFlightCommand.of(InFlightCommand.Kind.DESCRIBE_PORTAL);
            ask.portal = description;
            ask.portal.requested = true;
            ask.injected = true;
            register(ask);
        }
        long seq = sequence = sequences.incrementAndGet();
        // Running the portal changes what other portals are, never what it is itself.
        description.asOf = sequence;
        command(ruling, new CommandRecord(seq, "Execute", text, portal == null ? null : portal.statement(),
                portal == null ? List.of() : portal.parameters(), trace(text),
                prepared != null ? prepared.statementClass() : preparedBySql ? ruling.statementClass() : null, null));
        InFlightCommand command = new InFlightCommand(InFlightCommand.Kind.EXECUTE, seq);
        command.results = results;
        copying(command, ruling);
        command.portal = description;
        command.portalName = execute.portalName();
        command.statement = prepared;
        if (ask != null) {
            ask.execute = command;
        }
        if (!needsApprovalAgain(portal, prepared, ruling)) {
            Optional<Admission.Refused> revoked = gate.revocation(recorder, seq, ruling);
            if (revoked.isPresent()) {
                throw new SessionKeyRevokedException(revoked.get());
            }
            noteSqlNames(ruling, command);
            register(command);
            return frame;
        }
        // Behind a refused message the server skips this run; its stand-in fails too should it not.
        ErrorResponse refusal = failingUntilSync ? SKIPPED_RUN : admit(seq, text, portal.parameters(), portal.unshown(), ruling);
        if (refusal == null) {
            noteSqlNames(ruling, command);
        }
        register(command);
        if (refusal == null) {
            portals.put(execute.portalName(), portal.approvedRun());
            return frame;
        }
        command.substitute = refusal;
        failingUntilSync = true;
        return new Execute(MISSING_PORTAL, 0).encode();
    }

    /**
     * A statement held at Parse was approved for one run. Running it again (another Bind, with
     * values of the client's choosing) is a statement the policy holds like the first: it waits
     * for approvers again, who see it with its parameters, unless a grant covers it.
     */
    private static boolean needsApprovalAgain(BoundPortal portal, PreparedStatement prepared, Ruling ruling) {
        return prepared != null && prepared.admitted() && prepared.ruledAs() == Action.APPROVE && !portal.approved()
                && ruling.decision().action() == Action.APPROVE;
    }

    /**
     * A statement prepared before a policy reload made the caller's results masked was never
     * checked for what it computes from protected columns: it cannot run now, and the Execute has
     * no stand-in that would keep client and server in step, so the session ends.
     */
    private static void refuseIfMaskingNowRefuses(Ruling ruling) throws ProtocolException {
        var masking = ruling.masking();
        if (masking.isPresent() && ruling.decision().action() == Action.BLOCK
                && ruling.decision().rule().equals(masking.get().rule())) {
            throw new ProtocolException("the masking policy changed since this statement was prepared and refuses it now ("
                    + ruling.decision().reason() + "); reconnect and prepare it again");
        }
    }

    /**
     * A named statement is ruled on at its Parse and then runs by Bind/Execute alone, as often as
     * the client likes. When the policy in force now blocks it, or holds it for approval although
     * it was admitted without one, it must not run on the strength of the old ruling; as above, an
     * Execute has no stand-in, so the session ends and the client must prepare it again.
     */
    private static void refuseIfPolicyNowRefuses(PreparedStatement prepared, Ruling ruling) throws ProtocolException {
        Action now = ruling.decision().action();
        if (now == Action.BLOCK || (now == Action.APPROVE && prepared.ruledAs() == Action.ALLOW)) {
            throw new ProtocolException("the policy changed since this statement was prepared and "
                    + (now == Action.BLOCK ? "blocks" : "holds") + " it now (rule " + ruling.decision().rule() + ": "
                    + ruling.decision().reason() + "); reconnect and prepare it again");
        }
    }

    /**
     * A named statement parsed again without a Close: the server refused that Parse and may run the
     * statement it kept under the name, which the gateway recorded and ruled on before. It may
     * run only if the policy would let it run now without anyone's approval (an approval covered
     * one run of it); otherwise the session ends, as for a statement prepared before a reload.
     */
    private void refuseIfADisplacedStatementMayRun(String name, PreparedStatement prepared) throws ProtocolException {
        for (PreparedStatement kept = prepared.displaced(); kept != null; kept = kept.displaced()) {
            if (!kept.admitted()) {
                continue; // its stand-in failed: the server never held it
            }
            Ruling now = decideSql(kept.text(), kept.parameterTypes());
            if (kept.ruledAs() != Action.ALLOW || now.decision().action() != Action.ALLOW) {
                throw new ProtocolException("statement \"" + name + "\" was parsed again without a Close, or after an"
                        + " error; the server keeps the statement it had, which ran on an approval for one run (rule "
                        + now.decision().rule() + "); close a statement before parsing its name again");
            }
        }
    }

    /**
     * Of {@code statement} and those it displaced, the nearest one that ran on an approval: the
     * statements a later Bind must not run again. Allowed ones are dropped, so a pipeline of
     * thousands of unnamed statements keeps no chain (one allowed since may be blocked by a reload
     * meanwhile: that is not followed).
     */
    private static PreparedStatement approvedOf(PreparedStatement statement) {
        PreparedStatement kept = statement;
        while (kept != null && !(kept.admitted() && kept.ruledAs() == Action.APPROVE)) {
            kept = kept.displaced();
        }
        return kept;
    }

    /**
     * A Bind/Execute of a statement prepared by SQL: it runs only when the policy allows its
     * {@code EXECUTE} outright (a statement prepared by SQL cannot be held at Execute, which has no
     * stand-in to keep client and server in step, so the session ends instead).
     */
    private static void refuseUnlessAllowed(String name, Ruling ruling) throws ProtocolException {
        if (ruling.decision().action() != Action.ALLOW) {
            throw new ProtocolException("statement \"" + name + "\" was prepared by SQL and the policy "
                    + (ruling.decision().action() == Action.BLOCK ? "blocks" : "holds") + " running it (rule "
                    + ruling.decision().rule() + ": " + ruling.decision().reason() + "); run it with EXECUTE in a query");
        }
    }

    /** How the rows of a command are masked and kept as evidence; {@code null} when neither. */
    private CommandResults newResults(Ruling ruling) {
        CallerMasking masking = ruling.masking().orElse(null);
        if (masking == null && resultDataBytes == 0) {
            return null;
        }
        return new CommandResults(masking, ruling.recordingMasker(), shapes, resultDataBytes, ruling.serverTextWithheld());
    }

    /**
     * The Guard's ruling on SQL text. A statement that may change the schema makes the column
     * names of results be read from the catalog again (and no result shape reused) until it has
     * surely finished, so a renamed or replaced column is masked by what it is now.
     */
    private Ruling decideSql(String sql) {
        return decideSql(sql, NO_PARAMETER_TYPES);
    }

    /** The same for a Parse, whose declared parameter types run their domain checks and casts on the values bound. */
    private Ruling decideSql(String sql, int[] parameterTypes) {
        Ruling ruling = guard.decide(subject, sqlCommand(sql, parameterTypes));
        if (ruling.classification() != null && ruling.classification().highestRisk().isAtLeast(StatementClass.DDL)) {
            columns.schemaMayChange();
        }
        return ruling;
    }

    private Command.Sql sqlCommand(String sql, int[] parameterTypes) {
        return new Command.Sql(sql, SqlDialect.POSTGRESQL, sqlPrepared::prepared, lineage, cursors,
                declaredTypes(parameterTypes), notNullColumns, calledCode);
    }

    /**
     * The types a Parse declares, none when every one is left to the server (0): the common case, and
     * on the relay's path for every statement, so it allocates nothing and asks the lineage check nothing.
     */
    private static List<Integer> declaredTypes(int[] parameterTypes) {
        for (int type : parameterTypes) {
            if (type != 0) {
                return Arrays.stream(parameterTypes).boxed().toList();
            }
        }
        return List.of();
    }

    /**
     * The fast-path interface calls any function by OID, bypassing SQL. The function is named from
     * the upstream's catalog for approvers and the evidence, and judged by the classifier as the
     * same call in SQL; only the large-object functions drivers use are allowed as writes, anything
     * else goes to the policy as UNKNOWN (high risk), or DANGEROUS_ADMIN when it is one.
     */
    private PgFrame functionCall(PgFrame frame) throws IOException, EvidenceLogUnavailableException {
        FunctionCall call = FunctionCall.decode(frame.body());
        List<String> args = new ArrayList<>();
        for (int i = 0; i < call.arguments().length; i++) {
            args.add(ParameterText.render(call.arguments()[i], isBinary(call.argumentFormats(), i), 0));
        }
        Optional<FastPathFunctionNames.CalledFunction> named = functions.named(call.functionOid());
        String description = named.map(FastPathFunctionNames.CalledFunction::description)
                .orElse("function call oid " + Integer.toUnsignedString(call.functionOid()));
        Ruling ruling = guard.decide(subject, new Command.FunctionCall(description,
                FastPathFunctions.isLargeObjectFunction(call.functionOid()),
                named.map(function -> function.asSql(call.arguments().length)).orElse(null)));
        long seq = sequence = sequences.incrementAndGet();
        command(ruling, new CommandRecord(seq, "FunctionCall", description, null, args, null, ruling.statementClass(),
                ruling.decision().rule()));
        InFlightCommand command = new InFlightCommand(InFlightCommand.Kind.FUNCTION_CALL, seq);
        // A function's result is data like a cell (lo_read of a large object): masked alike.
        command.results = newResults(ruling);
        command.binaryResult = call.resultFormat() == 1;
        // Approvers see the arguments too: lo_write(fd, data) writes whatever data is.
        ErrorResponse refusal = admit(seq, description, args, ParameterText.unshown(call.arguments()), ruling);
        register(command);
        if (refusal == null) {
            return frame;
        }
        command.substitute = refusal;
        // OID 0 names no function: the server fails the call before running anything.
        return new FunctionCall(0, new short[0], new byte[0][], (short) 0).encode();
    }

    /**
     * Applies the ruling through the gate: forward ({@code null}), or the error the client gets in
     * place of the server's. A held command first sends everything before it upstream, then waits
     * while the client is told why ({@link CommandHold}); what the client pipelines waits with it.
     */
    private ErrorResponse admit(long seq, String text, List<String> parameters, List<UnshownValue> unshown, Ruling ruling)
            throws IOException, EvidenceLogUnavailableException {
        Admission admission = gate.admit(recorder, seq, ruling, unshown);
        if (admission instanceof Admission.NeedsApproval held) {
            drain();
            Admission.Waiting waiting = gate.request(recorder, held,
                    HeldCommandText.of(ruling, ruling.forApprovers(), text, parameters),
                    HeldCommandText.of(ruling, ruling.recording(), text, parameters), trace(text));
            admission = gate.decided(recorder, seq, waiting,
                    hold.await(waiting.pending(), ruling.decision().rule(), ruling.decision().reason()));
        }
        return switch (admission) {
            case Admission.Refused refused when refused.endsSession() -> throw new SessionKeyRevokedException(refused);
            case Admission.Refused refused -> refusal(refused);
            default -> null;
        };
    }

    /** A refusal as PostgreSQL errors read: 42501 for policy, 57014 for a withdrawn wait, 53400 for a limit. */
    private static ErrorResponse refusal(Admission.Refused refused) {
        if (refused.limited()) {
            return ErrorResponse.of("ERROR", "53400", "tracegate: " + refused.message() + "; the statement was not executed");
        }
        if (refused.withdrawn()) {
            return ErrorResponse.of("ERROR", "57014", "canceling statement: approval " + refused.approvalId()
                    + " withdrawn (" + refused.reason() + ")");
        }
        return ErrorResponse.of("ERROR", "42501", "tracegate: " + refused.message()
                + (refused.approvalId() == null ? "" : "; the statement was not executed"));
    }

    /**
     * {@code SET application_name = '... traceparent=00-...-01'} puts the session in that trace from
     * now on (pgjdbc sets its ApplicationName this way rather than at start-up).
     */
    private void followApplicationName(String sql) {
        if (!startsWithSet(sql)) {
            return;
        }
        Matcher set = SET_APPLICATION_NAME.matcher(sql);
        if (set.matches()) {
            recorder.traceFromNowOn(PostgresSession.traceOf(set.group(1).replace("''", "'")));
        }
    }

    /**
     * Whether {@code sql} may be a {@code SET}: what {@link #SET_APPLICATION_NAME} needs to see
     * before it is worth a matcher (a matcher per statement, for the few statements that are one).
     * It lets through everything the pattern can match and more (the case is compared as
     * {@code regionMatches} does, which also folds non-ASCII letters).
     */
    private static boolean startsWithSet(String sql) {
        int at = 0;
        while (at < sql.length() && " \t\n\013\f\r".indexOf(sql.charAt(at)) >= 0) {
            at++;
        }
        return sql.regionMatches(true, at, "SET", 0, 3);
    }

    /**
     * What an admitted query string, or the statement an Execute runs, prepares, declares or drops:
     * what it may add is noted now; what holds only once it ran is the command's, for the server-side
     * relay to do when the server confirms that. An Execute counts too:
     * pgjdbc sends a {@code PREPARE}, {@code DECLARE} or {@code DEALLOCATE} by Parse/Bind/Execute.
     */
    private void noteSqlNames(Ruling ruling, InFlightCommand command) {
        if (ruling.classification() == null) {
            return;
        }
        PreparedStatementNames.Forgetting forgetting = PreparedStatementNames.Forgetting.NONE;
        Runnable whenRan = null;
        Set<String> names = null; // made only for a statement that names one: this runs for every query
        for (ClassifiedStatement statement : ruling.classification().statements()) {
            PreparedStatementNames.Forgetting drops = sqlPrepared.sent(statement);
            if (statement.prepares().isPresent() || !drops.names().isEmpty()) {
                names = names == null ? new HashSet<>() : names;
                statement.prepares().ifPresent(names::add);
                names.addAll(drops.names().keySet());
            }
            forgetting = forgetting.and(drops);
            whenRan = andThen(whenRan, cursors.ran(statement));
        }
        if (names != null) {
            names.forEach(this::notAsParsed);
            command.namedBySql = Set.copyOf(names);
        }
        command.whenRan = andThen(whenRan, forgetting(forgetting));
    }

    /**
     * SQL may drop or prepare again a name the client parsed: a Bind of it then may run what SQL
     * prepared, so it is judged from now on as the {@code EXECUTE} of the name, by every statement
     * the name may run ({@link PreparedStatementNames}), not by the text the client parsed. Until
     * 2026-12-07 {@code DEALLOCATE p; PREPARE p AS DELETE ...} left a Bind of {@code p} judged as the
     * {@code SELECT 1} the client had parsed, and the DELETE ran after a reload blocked writes.
     */
    private void notAsParsed(String name) {
        PreparedStatement parsed = statements.remove(name);
        if (parsed != null) {
            approvedRuns.remove(parsed);
        }
    }

    private static Runnable andThen(Runnable first, Runnable then) {
        if (first == null || then == null) {
            return first == null ? then : first;
        }
        return () -> {
            first.run();
            then.run();
        };
    }

    /** What the server-side relay does once the server confirms the message ran; {@code null} for nothing. */
    private Runnable forgetting(PreparedStatementNames.Forgetting forgetting) {
        return forgetting.names().isEmpty() ? null : () -> sqlPrepared.forget(forgetting);
    }

    /** The evidence keeps the command through the policy's record profile (CommandRedaction); it runs as written. */
    private void command(Ruling ruling, CommandRecord record) {
        if (CostAccounting.ON) {
            CostAccounting.STATEMENTS.increment();
        }
        CommandRedaction recording = ruling.recording();
        pendingEvents.add(recorder.command(record.recorded("FunctionCall".equals(record.message())
                ? recording.call(record.text(), record.parameters())
                : recording.statement(record.text(), record.parameters()))));
    }

    /** Waits until the batch's command events are durable, then forwards the batch. */
    private void drain() throws IOException, EvidenceLogUnavailableException {
        if (pendingCommands.size() + unregistered != outbox.size()) {
            // Pairing responses needs every forwarded message in order; never write an unpaired one.
            throw new IllegalStateException(outbox.size() + " frames to forward but " + pendingCommands.size()
                    + " messages to pair");
        }
        if (inFlight.size() + pendingCommands.size() > MAX_UNANSWERED) {
            // The server answers nothing it skips or ignores; the gateway keeps each such message until it does.
            throw new ProtocolException("more than " + MAX_UNANSWERED + " messages sent without the server's answer"
                    + " (send Sync)");
        }
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
        unregistered = 0;
        for (PgFrame frame : outbox) {
            upstream.write(frame);
        }
        if (CostAccounting.ON) {
            CostAccounting.COPIES.add(outbox.size());
        }
        upstream.flush();
        outbox.clear();
        outboxBytes = 0;
    }

    /**
     * Accounting: a read with nothing buffered waits for the socket (a wake-up of this thread by
     * the poller); every frame read is a copy of its bytes out of the stream's buffer.
     */
    static void countRead(RelayInput bytes) throws IOException {
        if (!bytes.hasPendingBytes()) {
            CostAccounting.HAND_OFFS.increment();
        }
        CostAccounting.COPIES.increment();
    }

    private static String trace(String sql) {
        return TraceContextExtractor.extract(sql).map(t -> t.traceId()).orElse(null);
    }

    private static boolean isBinary(short[] formats, int index) {
        if (formats.length == 0) {
            return false;
        }
        return (formats.length == 1 ? formats[0] : formats[index]) == 1;
    }
}
