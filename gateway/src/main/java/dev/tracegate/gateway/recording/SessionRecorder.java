package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.CanonicalDetail;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.operations.CostAccounting;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns one session's activity into evidence events. Protocol code tells it what happened; it
 * decides what goes into the log, so every protocol records the same shapes.
 */
public final class SessionRecorder {

    /** Longer command texts are stored as blobs. */
    public static final int INLINE_TEXT_BYTES = 64 * 1024;
    /** The code of an {@code unanswered} result: {@code connection_failure}, the connection ended before the answer. */
    public static final String UNANSWERED_SQLSTATE = "08006";

    private final EvidenceLog log;
    private final SessionInfo session;
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final long openedNanos = System.nanoTime();
    /** The trace the session's events belong to unless a command names its own; changes with application_name. */
    private volatile String trace;
    /**
     * Commands that named their own trace (a sqlcommenter comment), by seq, until their result:
     * what became of such a command belongs to its trace, not to the session's.
     */
    private final Map<Long, String> commandTraces = new ConcurrentHashMap<>();
    /**
     * Commands whose {@code command} event is queued and whose end (a result, or a refusal) is not
     * yet, by seq: what the session's end cuts off ({@link #closed}), whatever the protocol, so that
     * every recorded command has its end in the log.
     */
    private final Map<Long, Unended> unended = new ConcurrentHashMap<>();
    /** Commands the session's end closed as {@code unanswered}: a result that comes after that is not recorded. */
    private final Set<Long> cutOff = ConcurrentHashMap.newKeySet();

    /**
     * A command without its end: when it was recorded, and its {@code command} event's write. A
     * command whose event failed to be written is not in the log and was never forwarded (the
     * write-ahead rule), so the session's end does not close it as one that may have run.
     */
    private record Unended(long recordedNanos, CompletableFuture<Long> event) {

        boolean eventFailed() {
            return event.isCompletedExceptionally();
        }
    }

    public SessionRecorder(EvidenceLog log, SessionInfo session) {
        this.log = log;
        this.session = session;
        this.trace = session.trace();
    }

    /** From now on the session belongs to {@code traceId} (the client set a new application_name), or to none. */
    public void traceFromNowOn(String traceId) {
        this.trace = traceId;
    }

    public SessionInfo session() {
        return session;
    }

    public void opened(ObjectNode protocolDetail) {
        opened(protocolDetail, List.of());
    }

    /** @param redactions values masked out of {@code protocolDetail} (HTTP request headers) */
    public void opened(ObjectNode protocolDetail, List<Redaction> redactions) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("client", session.clientAddress());
        putIfPresent(detail, "client_user", session.clientUser());
        putIfPresent(detail, "application_name", session.applicationName());
        // How long the groups the session opened with count: an auditor reads the bound beside them.
        session.signedInWith().endsAt().ifPresent(end -> detail.put("sign_in_ends_at", end.toString()));
        if (protocolDetail != null) {
            detail.setAll(protocolDetail);
        }
        putRedactions(detail, redactions);
        log.append(event(EventType.SESSION_OPEN, null, detail));
    }

    /**
     * Queues the command's event. The caller must {@link EvidenceLog#awaitDurable await} it
     * before the command goes upstream (write-ahead rule).
     */
    public CompletableFuture<Long> command(CommandRecord command) {
        return command(command, null);
    }

    /**
     * As {@link #command(CommandRecord)}, with what the protocol adds to this one command (an HTTP
     * request's client address, TLS and headers), placed before the redactions.
     */
    public CompletableFuture<Long> command(CommandRecord command, ProtocolDetail protocolDetail) {
        commands.incrementAndGet();
        long recordedNanos = System.nanoTime();
        String textBlob = null;
        long textSize = 0;
        if (Utf8Length.of(command.text()) > INLINE_TEXT_BYTES) {
            byte[] bytes = textBytes(command.text());
            textBlob = log.blobs().put(bytes);
            textSize = bytes.length;
        }
        CommandEventDetail detail = new CommandEventDetail(command, textBlob, textSize, protocolDetail);
        CharSequence canonical = detail.canonical();
        if (command.trace() != null) {
            commandTraces.put(command.sequence(), command.trace());
        }
        // The metrics count every command by its class: handed over as a value, so that no one parses the text for it.
        CompletableFuture<Long> event = log.appendToAwait(canonical == null
                ? event(EventType.COMMAND, command.trace(), detail.tree())
                : event(EventType.COMMAND, command.trace(), null,
                        CanonicalDetail.of(canonical, "class", command.statementClass())));
        // Before the event is returned: the caller forwards the command only once it is durable, so no end comes first.
        unended.put(command.sequence(), new Unended(recordedNanos, event));
        return event;
    }

    /** {@code redactions}: where each masked value was, what it was, and the keyed hash of the original. */
    static void putRedactions(ObjectNode detail, List<Redaction> redactions) {
        if (redactions.isEmpty()) {
            return;
        }
        ArrayNode array = detail.putArray("redactions");
        for (Redaction r : redactions) {
            ObjectNode entry = array.addObject();
            if (r.parameter() != null) {
                entry.put("param", r.parameter());
            }
            putIfPresent(entry, "header", r.header());
            entry.put("at", r.at());
            entry.put("length", r.length());
            entry.put("entity", r.entity());
            putIfPresent(entry, "hmac", r.hmac());
        }
    }

    /**
     * A command that did not run: blocked by policy, or held and then denied, expired or withdrawn.
     *
     * @param outcome {@code blocked}, {@code denied}, {@code expired} or {@code withdrawn}
     */
    public void blocked(long sequence, String outcome, String rule, String reason, String statementClass,
                        String approvalId) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("seq", sequence);
        detail.put("outcome", outcome);
        detail.put("rule", rule);
        detail.put("reason", reason);
        detail.put("class", statementClass);
        putIfPresent(detail, "approval", approvalId);
        unended.remove(sequence);
        log.append(event(EventType.COMMAND_BLOCKED, commandTraces.get(sequence), detail));
    }

    /**
     * Command {@code seq} is carried out by later commands, each recorded with its own result (a
     * PostgreSQL Parse recorded for its hold runs at its Executes): the session's end does not
     * close it as unanswered.
     */
    public void carriedOutByLaterCommands(long sequence) {
        unended.remove(sequence);
    }

    /** A held class of command ran without asking, under an earlier time-boxed grant. */
    public void granted(long sequence, String grantId, String grantedBy, String rule) {
        log.append(event(EventType.APPROVAL_DECIDED, commandTraces.get(sequence), grantDetail(sequence, "granted", grantId, grantedBy, rule)));
    }

    /**
     * A grant that has not expired would have let command {@code seq} run, but its approvers'
     * sign-in no longer stands (ended, or its key revoked): the command waits for approvers, and
     * the evidence says why the grant did not count.
     */
    public void grantLapsed(long sequence, String grantId, String grantedBy, String rule, String why) {
        ObjectNode detail = grantDetail(sequence, "grant_lapsed", grantId, grantedBy, rule);
        detail.put("why", why);
        log.append(event(EventType.APPROVAL_DECIDED, commandTraces.get(sequence), detail));
    }

    private static ObjectNode grantDetail(long sequence, String outcome, String grantId, String grantedBy, String rule) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("seq", sequence);
        detail.put("outcome", outcome);
        detail.put("id", grantId);
        detail.put("granted_by", grantedBy);
        detail.put("rule", rule);
        return detail;
    }

    public void result(ResultRecord result) {
        result(result, null);
    }

    /**
     * How a command ended, with its response data (masked, as a blob) and what masking did.
     * {@code masking.applied} comes before the result, so the log reads in the order things
     * happened to the data.
     */
    public void result(ResultRecord result, ResultEvidence evidence) {
        if (unended.remove(result.sequence()) == null && cutOff.contains(result.sequence())) {
            // The session's end recorded it as unanswered already (an SSH channel that closed with its
            // session, a tool call still running when the gateway stopped): what masking did still counts.
            if (evidence != null) {
                masked(result.sequence(), evidence, false);
            }
            return;
        }
        log.append(resultEvent(result, evidence, false));
    }

    /**
     * As {@link #result(ResultRecord, ResultEvidence)}, for a caller that will
     * {@link EvidenceLog#awaitDurable await} the result (an HTTP response whose end the client
     * sees only once its evidence is durable). Its {@code masking.applied} events are queued
     * without waking the evidence appender, as the result is: the caller's wait writes them with
     * it, in the same batch, so a wake-up of the appender (and its own write, when it came first)
     * would be work for nothing on every request.
     */
    public CompletableFuture<Long> resultToAwait(ResultRecord result, ResultEvidence evidence) {
        unended.remove(result.sequence());
        return log.appendToAwait(resultEvent(result, evidence, true));
    }

    /** @param awaited whether the caller awaits the result, which then writes what is queued before it */
    private EvidenceEvent resultEvent(ResultRecord result, ResultEvidence evidence, boolean awaited) {
        if (evidence != null) {
            masked(result.sequence(), evidence, awaited);
        }
        if ("error".equals(result.status())) {
            errors.incrementAndGet();
        }
        String dataBlob = evidence != null && evidence.data() != null ? log.blobs().putLater(evidence.data()) : null;
        String requestBlob = evidence != null && evidence.requestData() != null
                ? log.blobs().putLater(evidence.requestData()) : null;
        ResultEventDetail detail = new ResultEventDetail(result, evidence, dataBlob, requestBlob);
        CharSequence canonical = detail.canonical();
        String trace = commandTraces.remove(result.sequence());
        return canonical == null ? event(EventType.COMMAND_RESULT, trace, detail.tree(), null)
                : event(EventType.COMMAND_RESULT, trace, null, CanonicalDetail.of(canonical));
    }

    /**
     * One sealed chunk of a terminal recording (asciicast v2 lines) as a blob, written while the
     * session runs, so that a kill of the gateway loses at most the chunk being filled.
     *
     * @param sequence the command (shell or exec) the terminal belongs to
     * @param chunk    0, 1, ... in order; chunk 0 starts with the asciicast header
     * @param last     whether the terminal closed with this chunk
     */
    public void terminalChunk(long sequence, int chunk, byte[] lines, boolean last) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("seq", sequence);
        detail.put("format", "asciicast-v2");
        detail.put("chunk", chunk);
        detail.put("last", last);
        ObjectNode data = detail.putObject("data");
        data.put("blob", log.blobs().putLater(lines));
        data.put("size", lines.length);
        log.append(event(EventType.RECORDING_SEALED, commandTraces.get(sequence), detail));
    }

    private void masked(long sequence, ResultEvidence evidence, boolean awaited) {
        ResultEvidence.MaskingApplied client = evidence.masking();
        if (client != null && !client.summary().isEmpty()) {
            queue(maskingEvent(commandTraces.get(sequence), new MaskingEventDetail(sequence, "client", client.rule(),
                    client.profile(), client.summary(), null)), awaited);
        }
        if (evidence.recorded() != null && !evidence.recorded().isEmpty()) {
            queue(maskingEvent(commandTraces.get(sequence), new MaskingEventDetail(sequence, "record", null, null,
                    evidence.recorded(), null)), awaited);
        }
    }

    /** Queues an event; one an awaited event follows (written by the caller's wait) does not wake the appender. */
    private void queue(EvidenceEvent event, boolean beforeAnAwaitedOne) {
        if (beforeAnAwaitedOne) {
            log.appendToAwait(event);
        } else {
            log.append(event);
        }
    }

    /**
     * Server messages that belong to no command's result (notifications, errors and notices that
     * answer no command, reported parameter values) were masked for the client. The event has no
     * {@code seq}; {@code source} says what was masked.
     */
    public void maskedOutsideCommands(ResultEvidence.MaskingApplied applied) {
        log.append(maskingEvent(null, new MaskingEventDetail(null, "client", applied.rule(), applied.profile(),
                applied.summary(), "server messages")));
    }

    /**
     * A {@code masking.applied} event, its detail as canonical text (with the count of values masked
     * handed over for the metrics, which count them without parsing it), or as a tree where the
     * text cannot be written.
     */
    private EvidenceEvent maskingEvent(String trace, MaskingEventDetail detail) {
        CharSequence canonical = detail.canonical();
        return canonical == null ? event(EventType.MASKING_APPLIED, trace, detail.tree(), null)
                : event(EventType.MASKING_APPLIED, trace, null, CanonicalDetail.of(canonical, "valuesMasked",
                        Long.toString(detail.summary().valuesMasked())));
    }

    /**
     * Records the end of the session and waits until it is durable, so shutdown loses nothing. A
     * command still without its end is closed first by a {@code command.result} of status
     * {@code unanswered}: its {@code command} event says it was sent on, and it may have run.
     */
    public void closed(String reason) {
        cutOff(reason);
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("reason", reason);
        detail.put("commands", commands.get());
        detail.put("errors", errors.get());
        detail.put("duration_ms", (System.nanoTime() - openedNanos) / 1_000_000);
        try {
            log.appendDurably(event(EventType.SESSION_CLOSE, null, detail));
        } catch (EvidenceLogUnavailableException e) {
            // Nothing runs after a close; the failure is already logged by the evidence writer.
        }
    }

    /**
     * Every command without its end gets one, in the order they were asked. The seq joins
     * {@code cutOff} before it leaves {@code unended}, so that a result racing the end (on the
     * protocol's own thread) is recorded either instead of the {@code unanswered} one or not at all.
     * A command whose own event could not be written gets none: the log does not hold it, and it
     * did not run (the client was told so, SQLSTATE 58000 or its protocol's equivalent).
     */
    private void cutOff(String reason) {
        for (Long sequence : unended.keySet().stream().sorted().toList()) {
            cutOff.add(sequence);
            Unended command = unended.remove(sequence);
            if (command == null) {
                cutOff.remove(sequence);
                continue;
            }
            if (command.eventFailed()) {
                continue;
            }
            log.append(resultEvent(new ResultRecord(sequence, "unanswered", List.of(), 0,
                    (System.nanoTime() - command.recordedNanos()) / 1_000, UNANSWERED_SQLSTATE, "tracegate: the session"
                    + " ended (" + reason + ") before the command's end was recorded; it may have run"), null, false));
        }
    }

    /**
     * Leaves stay small: a long command goes into a blob and the leaf keeps its hash and size. The
     * text is measured without encoding it ({@link Utf8Length}), so only a text that goes into a
     * blob is encoded, here.
     */
    private static byte[] textBytes(String text) {
        if (CostAccounting.ON) {
            CostAccounting.COPIES.increment();
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private EvidenceEvent event(String type, String trace, ObjectNode detail) {
        return event(type, trace, detail, null);
    }

    private EvidenceEvent event(String type, String trace, ObjectNode detail, CanonicalDetail canonical) {
        return new EvidenceEvent(Instant.now(), type, session.identity(), session.id(),
                trace != null ? trace : this.trace, session.resource(), detail, canonical);
    }

    static void putIfPresent(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }
}
