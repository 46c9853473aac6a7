package dev.tracegate.gateway.guard;

import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.lineage.LineageVerdict;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.policy.rules.Decision;
import dev.tracegate.policy.rules.HttpRequestFacts;
import dev.tracegate.policy.rules.Policy;
import dev.tracegate.policy.rules.PolicyEngine;
import dev.tracegate.policy.rules.SshOperation;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.LexingCache;
import dev.tracegate.policy.sql.CalledCode;
import dev.tracegate.policy.sql.NotNullColumnTests;
import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlClassification;
import dev.tracegate.policy.sql.SqlClassifier;
import dev.tracegate.policy.sql.StatementClass;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one policy decision point every protocol asks ({@link #decide}): it classifies the command,
 * lets the policy decide, chooses the caller's masking and checks what a masked caller's SQL
 * computes, from one policy version per command. The policy can be replaced at any time (reload).
 * No engine reads the policy itself.
 */
public final class Guard {

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final AtomicReference<Policy> policy;
    /** Shared by the classifier and the record's redaction: each statement shape is lexed once for both. */
    private final LexingCache lexing = new LexingCache();
    private final SqlClassifier classifier = new SqlClassifier(lexing);
    private final HashKey maskingKey;
    private final CommandRedaction credentialsOnly;
    private final AtomicReference<Recording> recording = new AtomicReference<>();

    /** The redaction built for one record profile. */
    private record Recording(Masker record, CommandRedaction redaction) {
    }

    /** @param maskingKey the gateway's masking key: the evidence keeps a keyed hash of every value it masks in commands */
    public Guard(Policy initial, HashKey maskingKey) {
        this.policy = new AtomicReference<>(initial);
        this.maskingKey = maskingKey;
        this.credentialsOnly = CommandRedaction.credentialsOnly(maskingKey, lexing);
    }

    /**
     * The Guard's ruling on one command: classification, the policy's decision, the caller's
     * masking and how the command's text is kept, all from one policy version. Masked callers'
     * SQL is also checked for what it computes from protected columns, and their fast-path calls
     * are refused: a function's result passes no column rule.
     */
    public Ruling decide(Subject subject, Command command) {
        Policy snapshot = policy.get();
        CallerMasking masking = PolicyEngine.masking(snapshot, subject).orElse(null);
        try {
            return ruling(snapshot, subject, command, masking);
        } catch (RuntimeException analysisFailed) {
            return undecided(snapshot, subject, command, masking, analysisFailed);
        }
    }

    private Ruling ruling(Policy snapshot, Subject subject, Command command, CallerMasking masking) {
        SqlClassification classification = null;
        Decision decision;
        boolean computesOnProtected = false;
        switch (command) {
            case Command.Sql sql -> {
                classification = withCalledCode(withSchema(classifier.classifyInSession(sql.text(), sql.dialect(),
                        sql.preparedClasses()), sql.notNullColumns(), sql.dialect()), sql.calledCode(), sql.dialect());
                decision = PolicyEngine.decide(snapshot, subject, classification);
                // A refused statement changes nothing: it must not make every session read the catalog again.
                if (sql.calledCode() != null && classification.highestRisk().isAtLeast(StatementClass.DDL)
                        && decision.action() != Action.BLOCK) {
                    sql.calledCode().schemaMayChange();
                }
                LineageVerdict lineage = lineage(sql, classification, masking);
                if (!lineage.allowed()) {
                    decision = refused(masking, classification.highestRisk(), lineage.reason());
                }
                computesOnProtected = lineage.computesOnProtected();
            }
            case Command.FunctionCall call -> {
                classification = functionCall(call);
                decision = masking != null ? refused(masking, classification.highestRisk(),
                        "fast-path function calls return values the gateway cannot mask")
                        : PolicyEngine.decide(snapshot, subject, classification);
            }
            case Command.Http http -> decision = http.undecidable() != null
                    ? new Decision(Action.BLOCK, "default:high-risk", http.undecidable(), null,
                    http.request().statementClass(), List.of())
                    : PolicyEngine.decide(snapshot, subject, http.request());
            case Command.Ssh ssh -> {
                decision = PolicyEngine.decide(snapshot, subject, ssh.request());
                if (masking != null && snapshot.maskTerminal() && carriesUnmaskableData(ssh.request().operation())) {
                    decision = refused(masking, ssh.request().statementClass(), ssh.request().operation().configName()
                            + " would carry data the gateway cannot mask: file contents, directory listings and"
                            + " forwarded connections are not terminal output");
                }
            }
        }
        CommandRedaction recorded = recording(snapshot);
        CommandRedaction shown = decision.approval() != null && decision.approval().clearStatement()
                ? credentialsOnly : recorded;
        return new Ruling(decision, classification, masking, snapshot.recordingMasker(), snapshot.passUnmaskable(),
                snapshot.maskTerminal(),
                recorded, shown, masking != null && computesOnProtected, snapshot.hash(), subject, command);
    }

    /**
     * A command the analysis failed on (a defect, or a parser surprised by its input) is refused as
     * unclassifiable, high risk, and the session goes on. The log keeps the failure's type and stack
     * but not its message, which could quote the command and any secret in it.
     */
    private Ruling undecided(Policy snapshot, Subject subject, Command command, CallerMasking masking,
                             RuntimeException failure) {
        Throwable withoutMessage = new Throwable(failure.getClass().getName());
        withoutMessage.setStackTrace(failure.getStackTrace());
        LOG.error("the analysis of a {} command failed; the command is refused", command.getClass().getSimpleName(),
                withoutMessage);
        String reason = "the gateway could not analyse this command, so it is refused (the failure is in the"
                + " gateway's log)";
        SqlClassification classification = command instanceof Command.Sql sql
                ? new SqlClassification(List.of(new ClassifiedStatement(sql.text(), StatementClass.UNKNOWN, "UNKNOWN",
                List.of(), false, List.of("the analysis failed"), Optional.empty(), Optional.empty())))
                : null;
        Decision decision = new Decision(Action.BLOCK, "default:high-risk", reason, null, StatementClass.UNKNOWN,
                List.of());
        CommandRedaction recorded = recording(snapshot);
        return new Ruling(decision, classification, masking, snapshot.recordingMasker(), snapshot.passUnmaskable(),
                snapshot.maskTerminal(), recorded, recorded, false, snapshot.hash(), subject, command);
    }

    /**
     * The same command judged again under the policy in force, for an approval that arrives after a
     * reload ({@code CommandGate.decided}); empty when what the engine kept of it cannot be judged
     * again: an HTTP request whose body the earlier policy did not need read, where the policy in
     * force asks about its fields or about a method a POST's form may name.
     */
    public Optional<Ruling> again(Ruling earlier) {
        if (earlier.command() instanceof Command.Http http && http.request().body() == null
                && (needsBody(earlier.subject(), http.request())
                || http.request().method().equals("POST") && weighsNamedMethods(earlier.subject(), http.request()))) {
            return Optional.empty();
        }
        return Optional.of(decide(earlier.subject(), earlier.command()));
    }

    /** The lineage check of a masked caller's SQL; allowed when there is nothing to check. */
    private static LineageVerdict lineage(Command.Sql sql, SqlClassification classification, CallerMasking masking) {
        if (sql.lineage() == null) {
            return LineageVerdict.ALLOWED;
        }
        if (classification.highestRisk().isAtLeast(StatementClass.DDL)) {
            sql.lineage().schemaMayChange();
        }
        if (masking == null) {
            return LineageVerdict.ALLOWED;
        }
        LineageVerdict verdict = sql.lineage().check(sql.text(), sql.dialect(), masking.masker());
        if (verdict.allowed() && !sql.parameterTypes().isEmpty()) {
            LineageVerdict types = sql.lineage().checkParameterTypes(sql.parameterTypes(), masking.masker());
            verdict = types.allowed() ? verdict : types;
        }
        Set<String> declaredHere = new HashSet<>();
        for (ClassifiedStatement statement : classification.statements()) {
            if (!verdict.allowed()) {
                break;
            }
            if (statement.runs() != null) {
                verdict = both(verdict, sql.lineage().check(statement.runs(), sql.dialect(), masking.masker()));
                continue;
            }
            if (named(statement, "DECLARE")) {
                sql.cursors().declared(statement.text()).ifPresent(declaredHere::add);
            }
            if (named(statement, "FETCH") || named(statement, "MOVE")) {
                Optional<SessionCursors.CursorRead> read = sql.cursors().read(statement.text());
                if (read.isPresent()) {
                    verdict = cursorRead(sql, masking, verdict, read.get(), declaredHere);
                }
            }
        }
        return verdict;
    }

    /**
     * A {@code FETCH} or {@code MOVE} is judged again by what it reads: the {@code DECLARE} of its
     * cursor, judged when it was declared under the policy of that moment (a reload since may have
     * masked the caller, and the computed column it returns would then pass the masker in clear).
     * A cursor declared earlier in the same query string was judged with it. A cursor the gateway
     * never saw declared (a function opened it: {@code OPEN c FOR SELECT upper(name) ...}, returning
     * its name as a {@code refcursor}) reads a query nothing judged, and is refused.
     */
    private static LineageVerdict cursorRead(Command.Sql sql, CallerMasking masking, LineageVerdict verdict,
                                             SessionCursors.CursorRead read, Set<String> declaredHere) {
        if (read.declaration().isPresent()) {
            return both(verdict, sql.lineage().check(read.declaration().get(), sql.dialect(), masking.masker()));
        }
        if (declaredHere.contains(read.cursor())) {
            return verdict;
        }
        return LineageVerdict.refused("it reads the cursor " + read.cursor() + ", which the gateway never saw declared"
                + " (a function or trigger opened it), so nothing judged the query it runs; declare the cursor with"
                + " DECLARE ... CURSOR FOR, through the gateway");
    }

    /** Whether the classifier named the statement's command so, or named none (then it may be anything). */
    private static boolean named(ClassifiedStatement statement, String command) {
        String named = statement.command();
        return named == null || named.isEmpty() || named.startsWith(command);
    }

    private static LineageVerdict both(LineageVerdict statement, LineageVerdict judgedEarlier) {
        if (!judgedEarlier.allowed()) {
            return LineageVerdict.refused("it runs a statement or cursor prepared or declared earlier, judged again"
                    + " under the policy in force now: " + judgedEarlier.reason());
        }
        return statement.computesOnProtected() || judgedEarlier.computesOnProtected()
                ? LineageVerdict.ALLOWED_COMPUTING : LineageVerdict.ALLOWED;
    }

    /** A refusal on behalf of the caller's masking rule. */
    /**
     * What reaches an SSH caller other than through the terminal, where output masking reads it:
     * a file read or a directory listed over sftp (byte ranges of a file, names in binary
     * packets), a forwarded connection (any protocol at all). For a masked caller these are
     * refused rather than passed in clear; exec and shell output is masked.
     */
    private static boolean carriesUnmaskableData(SshOperation operation) {
        return operation == SshOperation.READ || operation == SshOperation.PORT_FORWARDING;
    }

    private static Decision refused(CallerMasking masking, StatementClass statementClass, String reason) {
        return new Decision(Action.BLOCK, masking.rule(), reason + " (your results are masked by policy rule "
                + masking.rule() + ")", null, statementClass, List.of());
    }

    /** The classification, with writes that test NOT NULL columns for null read as the schema makes them. */
    private SqlClassification withSchema(SqlClassification classification, NotNullColumnTests.NotNullColumns schema,
                                         SqlDialect dialect) {
        return schema == null ? classification
                : eachJudged(classification, statement -> NotNullColumnTests.judged(statement, schema, classifier, dialect));
    }

    /** The classification, with each statement raised to what the database's own code it runs does. */
    private SqlClassification withCalledCode(SqlClassification classification, CalledCode.Catalog code,
                                             SqlDialect dialect) {
        return code == null ? classification
                : eachJudged(classification, statement -> CalledCode.judged(statement, code, dialect, lexing));
    }

    /** The classification with each statement as {@code judge} returns it; the same one when none changes (nearly always). */
    private static SqlClassification eachJudged(SqlClassification classification,
                                                java.util.function.UnaryOperator<ClassifiedStatement> judge) {
        List<ClassifiedStatement> statements = classification.statements();
        List<ClassifiedStatement> judged = null; // made only when a statement changes
        for (int i = 0; i < statements.size(); i++) {
            ClassifiedStatement statement = judge.apply(statements.get(i));
            if (statement != statements.get(i)) {
                judged = judged == null ? new ArrayList<>(statements) : judged;
                judged.set(i, statement);
            }
        }
        return judged == null ? classification : new SqlClassification(judged);
    }

    /**
     * The fast-path interface calls any function by number, bypassing SQL, and so every rule but
     * the classifier's (tables, lineage, the code a function runs): only the large-object functions
     * drivers use are WRITE; anything else is UNKNOWN, high risk, unless the same call in SQL is
     * DANGEROUS_ADMIN ({@code lo_export}, {@code pg_read_file}, {@code pg_sleep} by their OIDs), which
     * it then is, so that a rule holding or allowing UNKNOWN never lets one through.
     */
    private SqlClassification functionCall(Command.FunctionCall call) {
        StatementClass statementClass = call.largeObject() ? StatementClass.WRITE : StatementClass.UNKNOWN;
        List<String> reasons = List.of(call.largeObject() ? "large-object function"
                : call.sql() == null ? "fast-path call of a function the upstream's catalog did not name"
                : "fast-path call of a function, which no rule on SQL reads");
        if (call.sql() != null) {
            SqlClassification asSql = classifier.classify(call.sql());
            if (asSql.highestRisk() == StatementClass.DANGEROUS_ADMIN) {
                statementClass = StatementClass.DANGEROUS_ADMIN;
                reasons = asSql.statements().getFirst().reasons();
            }
        }
        return new SqlClassification(List.of(new ClassifiedStatement(call.description(), statementClass,
                "FUNCTION CALL", List.of(), false, reasons, Optional.empty(), Optional.empty())));
    }

    /** Whether deciding this HTTP request needs its JSON body (a rule asks about body fields). */
    public boolean needsBody(Subject subject, HttpRequestFacts request) {
        return PolicyEngine.needsBody(policy.get(), subject, request);
    }

    /**
     * Whether deciding an HTTP request needs the methods a {@code _method} field of its body names:
     * a rule weighs the method, or a method the gateway does not know would be refused or held.
     */
    public boolean weighsNamedMethods(Subject subject, HttpRequestFacts request) {
        return PolicyEngine.weighsNamedMethods(policy.get(), subject, request);
    }

    /**
     * The masking profile the caller's results go through now, for what the server sends outside
     * any command (notifications, idle errors); commands get theirs with their {@link Ruling}.
     */
    public Optional<CallerMasking> masking(Subject subject) {
        return PolicyEngine.masking(policy.get(), subject);
    }

    /** How the evidence keeps the commands clients write, under the policy in force now. */
    public CommandRedaction recording() {
        return recording(policy.get());
    }

    private CommandRedaction recording(Policy snapshot) {
        Masker record = snapshot.recordingMasker();
        Recording current = recording.get();
        if (current == null || current.record() != record) {
            current = new Recording(record, CommandRedaction.forRecord(record, maskingKey, lexing));
            recording.set(current); // one per policy: it remembers which columns it protects
        }
        return current.redaction();
    }

    /** The policy in force, for showing it (API, console) and recording reloads; engines use {@link #decide}. */
    public Policy policy() {
        return policy.get();
    }

    public void replace(Policy next) {
        policy.set(next);
    }
}
