package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.HeldCommandText;
import dev.tracegate.gateway.engine.SessionKeyRevokedException;
import dev.tracegate.gateway.engine.UnshownValue;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Command;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.guard.SessionCursors;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.PreparedText;
import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.wire.mysql.ComInitDb;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.ComSetOption;
import dev.tracegate.wire.mysql.ComStmtClose;
import dev.tracegate.wire.mysql.ComStmtExecute;
import dev.tracegate.wire.mysql.ComStmtPrepare;
import dev.tracegate.wire.mysql.ComStmtPrepareOk;
import dev.tracegate.wire.mysql.ComStmtReset;
import dev.tracegate.wire.mysql.ComStmtSendLongData;
import dev.tracegate.wire.mysql.CommandType;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlProtocolException;
import dev.tracegate.wire.mysql.OkPacket;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The caller's commands, one at a time, through the seam: each one carrying SQL becomes a
 * {@code Command.Sql} in the MySQL dialect for the Guard, its {@code command} event is durable
 * before it is forwarded (write-ahead), and the {@link CommandGate} forwards it, refuses it with
 * an ERR packet or holds it for approvers while the caller waits. What the server answers goes
 * back through the {@link ResponseRelay}. Commands that would change who the session is, or that
 * the gateway cannot follow, are refused; a packet that is no command ends the session.
 */
final class CommandRelay {

    /** ER_SPECIFIC_ACCESS_DENIED_ERROR: what a policy refusal reads as. */
    private static final int POLICY_REFUSAL = 1227;
    /** ER_USER_LIMIT_REACHED. */
    private static final int LIMIT_REACHED = 1226;
    private static final int MAX_PREPARED_STATEMENTS = 16_384;
    private static final int SERVER_STATUS_NO_BACKSLASH_ESCAPES = 0x0200;
    /** ER_NO_SUCH_THREAD: how a KILL of another identity's session is answered, as if there were none. */
    private static final int NO_SUCH_THREAD = 1094;

    private final EngineServices services;
    private final Subject subject;
    private final SessionRecorder recorder;
    private final PacketChannel client;
    private final PacketChannel upstream;
    private final ResponseRelay responses;
    private final ConnectionReset reset;
    private final UpstreamLineage lineage;
    private final Threads threads;
    private final PreparedStatements prepared = new PreparedStatements(MAX_PREPARED_STATEMENTS);
    /** Classes of the session's SQL-level {@code PREPARE name FROM ...} statements, for {@code EXECUTE name}. */
    private final Map<String, PreparedText> sqlPrepared = new HashMap<>();
    private long sequence;
    /**
     * A statement of this session computed on protected values its masked caller is granted
     * {@code any} on: MySQL keeps its warnings for a later {@code SHOW WARNINGS} or {@code GET
     * DIAGNOSTICS}, whose messages can quote them. Kept for the session, since not every
     * statement clears what the server keeps.
     */
    private boolean diagnosticsWithheld;

    /** The listener's sessions, for KILL, and this session among them. */
    record Threads(CallerThreads all, CallerThreads.Thread self) {
    }

    CommandRelay(EngineServices services, Subject subject, SessionRecorder recorder, PacketChannel client,
                 MysqlUpstream upstream, UpstreamLineage lineage, Threads threads) {
        this.services = services;
        this.subject = subject;
        this.recorder = recorder;
        this.client = client;
        this.upstream = upstream.channel();
        this.responses = new ResponseRelay(this.upstream, client, upstream.capabilities(), upstream.statusFlags());
        this.reset = ConnectionReset.of(upstream, client, responses);
        this.lineage = lineage;
        this.threads = threads;
    }

    /** Relays commands until the caller quits or leaves; returns why the session ended. */
    /** A command of the caller's runs now ({@link #running}). */
    private volatile boolean running;

    String run() throws IOException, EvidenceLogUnavailableException {
        while (true) {
            MysqlPacket packet = client.read();
            if (packet == null) {
                return "client closed the connection";
            }
            CommandType type = CommandType.of(packet.payload());
            if (type == null) {
                throw new MysqlProtocolException("a packet that names no command (0x"
                        + (packet.payload().length == 0 ? "empty" : Integer.toHexString(packet.header())) + ")");
            }
            if (type == CommandType.QUIT) {
                return "client quit";
            }
            running = true;
            try {
                command(type, packet.payload());
            } finally {
                running = false;
            }
        }
    }

    /**
     * Whether a command runs now (its answer may be streaming): not while the session waits for the
     * caller's next command or for approvers, where the gate's check refuses what comes next.
     */
    boolean running() {
        return running;
    }

    private void command(CommandType type, byte[] payload) throws IOException, EvidenceLogUnavailableException {
        switch (type) {
            case QUERY -> sql("COM_QUERY", ComQuery.decode(payload).sql(), null, null, List.of(), payload, false);
            case INIT_DB -> sql("COM_INIT_DB", "USE " + quoted(ComInitDb.decode(payload).database()), null, null, List.of(), payload,
                    false);
            case STMT_PREPARE -> prepare(payload);
            case STMT_EXECUTE -> execute(payload);
            case STMT_SEND_LONG_DATA -> longData(payload);
            case STMT_CLOSE -> close(payload);
            case STMT_RESET -> {
                long id = ComStmtReset.decode(payload).statementId();
                PreparedStatements.Statement statement = prepared.get(id);
                if (statement == null) {
                    refuse(1243, "HY000", "unknown prepared statement handler (" + id + ") given to COM_STMT_RESET");
                    return;
                }
                statement.resetLongData();
                forward(payload, null, false);
            }
            case PING -> forward(payload, null, false);
            case SET_OPTION -> recordedAsItself("COM_SET_OPTION", "COM_SET_OPTION "
                    + ComSetOption.decode(payload).optionName(), () -> forward(payload, null, false));
            case RESET_CONNECTION -> {
                prepared.clear();
                sqlPrepared.clear();
                recordedAsItself(ConnectionReset.TEXT, ConnectionReset.TEXT, () -> reset.run(payload));
            }
            case CHANGE_USER -> refuse(POLICY_REFUSAL, "42000", "COM_CHANGE_USER is refused by the gateway: a session's"
                    + " identity is fixed when it signs in; open a new connection with the other token instead");
            case STMT_FETCH -> refuse(ErrPacket.UNKNOWN_COMMAND, "08S01", "cursors (COM_STMT_FETCH) are not supported by"
                    + " the gateway; read results without a cursor (Connector/J: useCursorFetch=false)");
            default -> refuse(ErrPacket.UNKNOWN_COMMAND, "08S01", "the gateway does not relay COM_" + type.name()
                    + (type == CommandType.FIELD_LIST ? " (mysql/mariadb: use -A, --no-auto-rehash)" : ""));
        }
    }

    /**
     * One command carrying SQL: decided, recorded before it runs, then forwarded or refused.
     *
     * @param statement  the prepared statement's id, for an execute
     * @param parameters the execute's parameters as recorded
     * @param unshown    those of its values approvers would see cut short
     * @return whether it reached the server (refused: not)
     */
    private boolean sql(String message, String text, String statement, List<String> parameters,
                        List<UnshownValue> unshown, byte[] outgoing, boolean binaryRows)
            throws IOException, EvidenceLogUnavailableException {
        Ruling ruling = services.guard().decide(subject, sqlCommand(text));
        rememberSqlPrepares(ruling);
        long seq = ++sequence;
        EvidenceLog.awaitDurable(recorder.command(new CommandRecord(seq, message, text, statement, parameters,
                recorder.session().trace(), ruling.statementClass(), ruling.decision().rule())
                .recorded(ruling.recording().statement(text, parameters))));
        byte[] payload = outgoing;
        diagnosticsWithheld = diagnosticsWithheld || ruling.serverTextWithheld();
        // Read only in a session that has something to withhold: most never do, and it lexes the text.
        DiagnosticsStatement diagnostics = diagnosticsWithheld ? DiagnosticsStatement.of(text, dialect())
                : DiagnosticsStatement.NONE;
        if (diagnostics == DiagnosticsStatement.GET) {
            String reason = "GET DIAGNOSTICS would copy into variables messages that can quote protected values, after a"
                    + " statement of this session that computes on them; SHOW WARNINGS answers with the messages withheld";
            recorder.blocked(seq, "blocked", ruling.masking().map(CallerMasking::rule).orElse(ruling.decision().rule()), reason,
                    ruling.statementClass(), null);
            refuse(POLICY_REFUSAL, "42000", "tracegate: " + reason);
            return false;
        }
        Killing killing = killing(seq, text, ruling);
        if (killing.refused()) {
            return false;
        }
        Admission admission = admit(seq, text, parameters, unshown, ruling);
        if (admission instanceof Admission.Refused refused) {
            refuse(refused);
            return false;
        }
        if (killing.request() != null) {
            payload = kill(seq, killing);
            if (payload == null) {
                return false;
            }
        }
        ResultMasking results = new ResultMasking(ruling.masking().orElse(null), ruling.recordingMasker(),
                services.resultDataBytes(), lineage.columns().of(text, dialect()));
        if (ruling.serverTextWithheld() || diagnostics == DiagnosticsStatement.SHOW) {
            results.withholdServerText(diagnostics == DiagnosticsStatement.SHOW);
        }
        long started = System.nanoTime();
        // Only a single, allowed LOAD DATA LOCAL INFILE may have the caller send the file it names.
        String localFile = LocalInfileStatement.file(text, dialect()).orElse(null);
        upstream.sequence(0);
        upstream.sendNow(payload);
        CommandOutcome outcome = responses.relay(results, binaryRows, localFile);
        recorder.result(new ResultRecord(seq, outcome.status(), outcome.tags(), outcome.rows(),
                (System.nanoTime() - started) / 1_000, outcome.sqlState(), outcome.errorMessage()), results.outcome());
        return true;
    }

    /**
     * A command that carries no SQL but changes the session (COM_RESET_CONNECTION,
     * COM_SET_OPTION), recorded as itself before it runs like every command.
     *
     * <p>COM_RESET_CONNECTION: the server forgets the session's prepared statements and SQL-level
     * PREPAREs; the gateway forgets what it held of them first, whatever the server answers, so
     * that a statement id or name from before the reset can never be decided and recorded as the
     * text it had (the server may give the id to another statement; one the gateway no longer knows
     * is refused). The string mode is read from the server's answer as after any command; the
     * character set is set back by {@link ConnectionReset}. COM_SET_OPTION: whether the server reads
     * several statements in one COM_QUERY from then on.
     */
    private void recordedAsItself(String message, String text, CommandRun run) throws IOException,
            EvidenceLogUnavailableException {
        long seq = ++sequence;
        EvidenceLog.awaitDurable(recorder.command(new CommandRecord(seq, message, text, null,
                null, recorder.session().trace(), null, null)));
        long started = System.nanoTime();
        CommandOutcome outcome = run.run();
        recorder.result(new ResultRecord(seq, outcome.status(), outcome.tags(), 0, (System.nanoTime() - started) / 1_000,
                outcome.sqlState(), outcome.errorMessage()));
    }

    /** A command's run upstream, answered. */
    private interface CommandRun {
        CommandOutcome run() throws IOException;
    }

    /** What a statement's KILL check found: none, a refusal (answered and recorded), or the caller's own session. */
    private record Killing(boolean refused, KillRequest request, CallerThreads.Thread target) {
        static final Killing NONE = new Killing(false, null, null);
        static final Killing REFUSED = new Killing(true, null, null);
    }

    /**
     * The caller's own session a KILL names, checked before anyone is asked to approve it. A KILL
     * of someone else's session (answered as MySQL answers an unknown id: error 1094), or in a form
     * the gateway does not relay, is refused and recorded.
     */
    private Killing killing(long seq, String text, Ruling ruling) throws IOException {
        Optional<KillRequest> kill;
        try {
            kill = KillRequest.of(text, dialect());
        } catch (KillRequest.RefusedException e) {
            recorder.blocked(seq, "blocked", ruling.decision().rule(), e.getMessage(), ruling.statementClass(), null);
            refuse(POLICY_REFUSAL, "42000", "tracegate: " + e.getMessage());
            return Killing.REFUSED;
        }
        if (kill.isEmpty()) {
            return Killing.NONE;
        }
        long id = kill.get().connectionId();
        Optional<CallerThreads.Thread> target = threads.all().own(id, recorder.session().identity(), subject.connection());
        if (target.isEmpty()) {
            recorder.blocked(seq, "blocked", ruling.decision().rule(), "KILL of connection " + id
                    + ", which is not one of the caller's own sessions", ruling.statementClass(), null);
            refuse(NO_SUCH_THREAD, "HY000", "Unknown thread id: " + id);
            return Killing.REFUSED;
        }
        return new Killing(false, kill.get(), target.get());
    }

    /**
     * An allowed KILL of the caller's own session: a statement it holds for approvers is
     * withdrawn (a KILL QUERY of it is answered here); anything else reaches the server as a KILL
     * of the session's own upstream thread. Returns that command, or null when it was answered.
     */
    private byte[] kill(long seq, Killing killing) throws IOException {
        KillRequest kill = killing.request();
        CallerThreads.Thread target = killing.target();
        Optional<PendingApproval> held = target.held();
        held.ifPresent(pending -> services.approvals().withdraw(pending.id(), "the client cancelled the statement"));
        if (kill.query() && held.isPresent()) {
            client.sendNow(new OkPacket(0, 0, responses.statusFlags(), 0, null).encode());
            recorder.result(new ResultRecord(seq, "ok", List.of("OK 0"), 0, 0, null, null));
            return null;
        }
        return new ComQuery("KILL " + (kill.query() ? "QUERY " : "CONNECTION ") + target.upstreamThread()).encode();
    }

    /**
     * The statement as the server will read it: with {@code NO_BACKSLASH_ESCAPES} in the server's
     * last reported status, a backslash in a string is an ordinary character.
     */
    private Command.Sql sqlCommand(String text) {
        return new Command.Sql(text, dialect(), name -> Optional.ofNullable(sqlPrepared.get(name.toLowerCase(Locale.ROOT))),
                lineage.statements(), SessionCursors.NONE, List.of(), lineage.notNullColumns(), lineage.calledCode());
    }

    private SqlDialect dialect() {
        return (responses.statusFlags() & SERVER_STATUS_NO_BACKSLASH_ESCAPES) != 0
                ? SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES : SqlDialect.MYSQL;
    }

    private void rememberSqlPrepares(Ruling ruling) {
        if (ruling.classification() == null) {
            return;
        }
        for (ClassifiedStatement statement : ruling.classification().statements()) {
            statement.prepares().ifPresent(name -> sqlPrepared.put(name.toLowerCase(Locale.ROOT), PreparedText.of(statement)));
        }
    }

    /**
     * The gate's verdict; a held command waits here, on the session's thread, while its caller waits
     * for the answer, and is withdrawn when the caller disconnects meanwhile.
     */
    private Admission admit(long seq, String text, List<String> parameters, List<UnshownValue> unshown, Ruling ruling)
            throws EvidenceLogUnavailableException, SessionKeyRevokedException {
        CommandGate gate = services.gate();
        Admission admission = sessionGoesOn(gate.admit(recorder, seq, ruling, unshown));
        if (!(admission instanceof Admission.NeedsApproval held)) {
            return admission;
        }
        // Approvers decide on the values an execute binds too: the same text deletes other rows with others.
        Admission.Waiting waiting = gate.request(recorder, held,
                HeldCommandText.of(ruling, ruling.forApprovers(), text, parameters),
                HeldCommandText.of(ruling, ruling.recording(), text, parameters), recorder.session().trace());
        threads.self().holding(waiting.pending());
        running = false;
        try {
            return sessionGoesOn(gate.decided(recorder, seq, waiting, gate.await(waiting.pending(), client::look)));
        } finally {
            running = true;
            threads.self().holding(null);
        }
    }

    /** The gate's verdict, unless it ends the session (its key no longer stands): then the session ends here. */
    private static Admission sessionGoesOn(Admission admission) throws SessionKeyRevokedException {
        if (admission instanceof Admission.Refused refused && refused.endsSession()) {
            throw new SessionKeyRevokedException(refused);
        }
        return admission;
    }

    /**
     * COM_STMT_PREPARE runs nothing, so only a statement the policy blocks outright is refused
     * (and recorded) here; each execute is decided, recorded and gated with its parameters.
     */
    private void prepare(byte[] payload) throws IOException, EvidenceLogUnavailableException {
        String text = ComStmtPrepare.decode(payload).sql();
        if (prepared.full()) {
            refuse(LIMIT_REACHED, "42000", "this session holds as many prepared statements as the gateway allows;"
                    + " close some first");
            return;
        }
        Ruling ruling = services.guard().decide(subject, sqlCommand(text));
        if (ruling.decision().action() == dev.tracegate.policy.rules.Action.BLOCK) {
            long seq = ++sequence;
            EvidenceLog.awaitDurable(recorder.command(new CommandRecord(seq, "COM_STMT_PREPARE", text, null, null,
                    recorder.session().trace(), ruling.statementClass(), ruling.decision().rule())
                    .recorded(ruling.recording().statement(text, null))));
            if (sessionGoesOn(services.gate().admit(recorder, seq, ruling)) instanceof Admission.Refused refused) {
                refuse(refused);
                return;
            }
        }
        upstream.sequence(0);
        upstream.sendNow(payload);
        ComStmtPrepareOk ok = responses.relayPrepare();
        if (ok != null) {
            prepared.prepared(ok.statementId(), text, ok.parameters());
        }
    }

    private void execute(byte[] payload) throws IOException, EvidenceLogUnavailableException {
        long id = ComStmtExecute.statementId(payload);
        PreparedStatements.Statement statement = prepared.get(id);
        if (statement == null) {
            refuse(1243, "HY000", "unknown prepared statement handler (" + id + ") given to COM_STMT_EXECUTE");
            return;
        }
        ComStmtExecute execute = ComStmtExecute.decode(payload, statement.parameters, statement.boundTypes,
                statement.longDataSent());
        if (execute.opensCursor()) {
            refuse(ErrPacket.UNKNOWN_COMMAND, "08S01", "cursors are not supported by the gateway; execute without a"
                    + " cursor (Connector/J: useCursorFetch=false)");
            return;
        }
        List<String> parameters = statement.parameters(execute);
        if (sql("COM_STMT_EXECUTE", statement.sql, Long.toString(id), parameters, statement.unshown(), payload, true)) {
            statement.executed(execute);
        }
    }

    /**
     * Long data is part of the next execute's parameters, recorded then; the server answers nothing.
     * Only for a statement the gateway knows: MariaDB takes the id 0xFFFFFFFF for the session's last
     * prepared statement, so long data sent under it (or under an id the gateway never saw prepared)
     * would reach a statement whose next execute the gateway then reads without it, showing
     * approvers and the evidence values other than those the server runs. Not forwarded, it is what
     * MySQL makes of an unknown id: nothing.
     */
    private void longData(byte[] payload) throws IOException {
        ComStmtSendLongData data = ComStmtSendLongData.decode(payload);
        PreparedStatements.Statement statement = prepared.get(data.statementId());
        if (statement == null) {
            return;
        }
        statement.appendLongData(data.parameter(), data.data());
        forwardWithoutAnswer(payload);
    }

    /**
     * Closes a statement the gateway knows; the server answers nothing. An unknown id (MariaDB's
     * 0xFFFFFFFF, the last prepared statement, among them) is not forwarded, so the server never
     * closes a statement the gateway still takes for open, and MySQL makes nothing of it anyway.
     */
    private void close(byte[] payload) throws IOException {
        long id = ComStmtClose.decode(payload).statementId();
        if (prepared.get(id) == null) {
            return;
        }
        prepared.closed(id);
        forwardWithoutAnswer(payload);
    }

    private CommandOutcome forward(byte[] payload, ResultMasking results, boolean binaryRows) throws IOException {
        upstream.sequence(0);
        upstream.sendNow(payload);
        return responses.relay(results == null ? new ResultMasking(null, null, 0, lineage.columns().of("", dialect()))
                : results, binaryRows, null);
    }

    private void forwardWithoutAnswer(byte[] payload) throws IOException {
        upstream.sequence(0);
        upstream.sendNow(payload);
    }

    /** A refusal as MySQL errors read: 1227 for policy, 1317 for a withdrawn wait, 1226 for a limit. */
    private void refuse(Admission.Refused refused) throws IOException {
        if (refused.limited()) {
            refuse(LIMIT_REACHED, "42000", "tracegate: " + refused.message() + "; the statement was not executed");
        } else if (refused.withdrawn()) {
            refuse(ErrPacket.QUERY_INTERRUPTED, "70100", "tracegate: approval " + refused.approvalId() + " withdrawn ("
                    + refused.reason() + "); the statement was not executed");
        } else {
            refuse(POLICY_REFUSAL, "42000", "tracegate: " + refused.message()
                    + (refused.approvalId() == null ? "" : "; the statement was not executed"));
        }
    }

    private void refuse(int code, String sqlState, String message) throws IOException {
        client.sendNow(new ErrPacket(code, sqlState, message).encode());
    }

    private static String quoted(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
