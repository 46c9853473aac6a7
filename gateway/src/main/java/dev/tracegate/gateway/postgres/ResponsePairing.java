package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.postgres.InFlightCommand.Kind;
import dev.tracegate.wire.postgres.CopyData;
import dev.tracegate.wire.postgres.CopyDone;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.backend.BindComplete;
import dev.tracegate.wire.postgres.backend.CloseComplete;
import dev.tracegate.wire.postgres.backend.CommandComplete;
import dev.tracegate.wire.postgres.backend.CopyBothResponse;
import dev.tracegate.wire.postgres.backend.CopyInResponse;
import dev.tracegate.wire.postgres.backend.CopyOutResponse;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.EmptyQueryResponse;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.FunctionCallResponse;
import dev.tracegate.wire.postgres.backend.NoData;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import dev.tracegate.wire.postgres.backend.NotificationResponse;
import dev.tracegate.wire.postgres.backend.ParameterDescription;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import dev.tracegate.wire.postgres.backend.ParseComplete;
import dev.tracegate.wire.postgres.backend.PortalSuspended;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.backend.RowDescription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Pairs every message the server sends with the client message it answers, by following the
 * server's own protocol state machine (PostgreSQL's {@code PostgresMain} and COPY FROM STDIN
 * loop) over the messages the gateway forwarded, in order:
 *
 * <ul>
 *   <li>Parse, Bind, Close, Describe and Execute answer one each; Sync answers ReadyForQuery;
 *       Query and FunctionCall end with ReadyForQuery; Flush, and CopyData, CopyDone and CopyFail
 *       outside a COPY, answer nothing;</li>
 *   <li>an error in an extended-protocol message makes the server discard every message up to
 *       the next Sync, a Query or FunctionCall included (those are recorded as skipped); an error
 *       in a Query or FunctionCall does not;</li>
 *   <li>a COPY FROM STDIN reads the client's CopyData up to CopyDone or CopyFail and swallows
 *       Sync and Flush on the way.</li>
 * </ul>
 *
 * <p>A message the model does not expect at that point is not guessed at: {@link #pair} throws,
 * and the session ends. Notices, notifications and parameter statuses may come at any time, and
 * a FATAL error ends everything.
 *
 * <p>One ordering cannot be decided from the messages alone: when a COPY FROM STDIN fails, the
 * server has read an unknown part of the client's COPY messages, so a Sync among them was either
 * swallowed by the COPY or ends the skipping. The model then follows every possible reading at
 * once, drops those the server's next messages contradict, and ends the session if two readings
 * that still fit would pair a message differently (so nothing is ever forwarded under a guess).
 *
 * <p>Used by the server-side relay thread only.
 */
final class ResponsePairing {

    /** Syncs among a failed COPY's data that are followed both ways; a client sending more is refused. */
    static final int MAX_UNCERTAIN_SYNCS = 4;

    private final InFlightCommands sent;
    /** Messages taken from {@link #sent} that some reading has not passed yet; {@code base} is the first one's index. */
    private final List<InFlightCommand> window = new ArrayList<>();
    private int base;
    private List<Reading> readings = List.of(Reading.START);

    ResponsePairing(InFlightCommands sent) {
        this.sent = sent;
    }

    /**
     * What one server message answers.
     *
     * @param owner   the message it belongs to; for a notice, notification or parameter status the
     *                message in progress, if any; {@code null} when none
     * @param ends    whether it is the owner's last response
     * @param skipped recorded commands the server discarded before this message (after an error)
     */
    record Answer(InFlightCommand owner, boolean ends, List<InFlightCommand> skipped) {
    }

    /** The server's protocol state, as one reading of the messages so far. */
    private enum Phase {
        /** No message is being answered. */
        IDLE,
        /** Nothing of the message's answer has come yet. */
        START,
        /** Rows are coming (after a RowDescription in a Query, or the first DataRow of an Execute). */
        ROWS,
        /** A COPY FROM STDIN is reading the client's CopyData. */
        COPY_IN,
        /** A COPY TO STDOUT is sending CopyData. */
        COPY_OUT,
        /** A COPY TO STDOUT sent CopyDone; CommandComplete follows. */
        COPY_OUT_DONE,
        /** A Query's statement ended; another one, or ReadyForQuery, follows. */
        NEXT_STATEMENT,
        /** A statement Describe sent ParameterDescription; RowDescription or NoData follows. */
        PARAMETERS_DESCRIBED,
        /** Only ReadyForQuery may follow (a Query or FunctionCall that failed or returned, a failing Sync). */
        AWAIT_READY
    }

    /**
     * @param next      index of the first message the server has not started on
     * @param current   index of the message being answered, or -1
     * @param skipping  whether the server discards messages until a Sync
     * @param closed    whether the server ended the session (FATAL)
     * @param swallowed messages at or after {@code next} that the server consumed without an answer
     *                  (a failed COPY's data, in this reading)
     */
    private record Reading(int next, int current, Phase phase, boolean skipping, boolean closed, Set<Integer> swallowed) {
        static final Reading START = new Reading(0, -1, Phase.IDLE, false, false, Set.of());
        static final Reading CLOSED = new Reading(0, -1, Phase.IDLE, false, true, Set.of());

        Reading at(Phase to) {
            return to == phase ? this : new Reading(next, current, to, skipping, closed, swallowed);
        }

        Reading answered(boolean failedInBatch) {
            return new Reading(next, -1, Phase.IDLE, skipping || failedInBatch, closed, swallowed);
        }

        /** Drops what no longer matters, so equal states compare equal. */
        Reading normalized() {
            if (swallowed.isEmpty()) {
                return this;
            }
            Set<Integer> ahead = new HashSet<>();
            for (int index : swallowed) {
                if (index >= next) {
                    ahead.add(index);
                }
            }
            return new Reading(next, current, phase, skipping, closed, Set.copyOf(ahead));
        }
    }

    /** One reading's effect of one message, and the readings it leads to. */
    private record Step(List<Reading> after, InFlightCommand owner, boolean ends, List<InFlightCommand> skipped) {
        boolean sameEffect(Step other) {
            // Which Sync a ReadyForQuery answers changes nothing: no data, no record.
            boolean sync = owner != null && owner.kind == Kind.SYNC;
            boolean otherSync = other.owner != null && other.owner.kind == Kind.SYNC;
            if (sync || otherSync) {
                return sync && otherSync && skipped.size() == other.skipped.size() && sameEntries(skipped, other.skipped);
            }
            return owner == other.owner && ends == other.ends && sameEntries(skipped, other.skipped);
        }

        private static boolean sameEntries(List<InFlightCommand> a, List<InFlightCommand> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) != b.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A message the reading does not allow at this point. */
    private static final class Unexpected extends Exception {
        Unexpected(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Pairs the next server message.
     *
     * @param type  its type byte
     * @param fatal for an ErrorResponse, whether its severity ends the session (FATAL, PANIC)
     * @throws PairingLostException when the server could not have sent it now, or when it could
     *         belong to more than one message
     */
    Answer pair(byte type, boolean fatal) throws PairingLostException {
        if (isAnytime(type)) {
            return new Answer(commonCurrent(), false, List.of());
        }
        if (type == ErrorResponse.TYPE && fatal) {
            return closed();
        }
        if (readings.size() == 1) {
            return pairOne(type);
        }
        List<Reading> next = new ArrayList<>(readings.size());
        Step agreed = null;
        String reason = null;
        for (Reading reading : readings) {
            try {
                Step step = step(reading, type);
                if (agreed != null && !agreed.sameEffect(step)) {
                    throw new PairingLostException("after a failed COPY FROM STDIN the server's " + name(type)
                            + " could answer different messages, depending on which of the client's Syncs the COPY read");
                }
                agreed = agreed == null ? step : agreed;
                next.addAll(step.after());
            } catch (Unexpected e) {
                reason = reason == null ? e.getMessage() : reason;
            }
        }
        if (agreed == null) {
            throw new PairingLostException(reason);
        }
        if (!unchanged(next)) {
            merge(next);
        }
        return new Answer(agreed.owner(), agreed.ends(), agreed.skipped());
    }

    /**
     * {@link #pair} for the common case of one reading (no failed COPY in doubt): the same steps,
     * without gathering and merging the readings of several.
     */
    private Answer pairOne(byte type) throws PairingLostException {
        Reading reading = readings.getFirst();
        Step step;
        try {
            step = step(reading, type);
        } catch (Unexpected e) {
            throw new PairingLostException(e.getMessage());
        }
        List<Reading> after = step.after();
        if (after.size() != 1) {
            merge(after);
        } else if (after.getFirst() != reading) {
            // One reading merges with nothing: normalized, it is what merge() would keep.
            readings = List.of(after.getFirst().normalized());
            forgetPassed();
        }
        return new Answer(step.owner(), step.ends(), step.skipped());
    }

    /**
     * Whether a message left the one reading exactly as it was: a row of a result or of a COPY in
     * progress, the bulk of what a server sends. Nothing then needs merging or letting go of.
     */
    private boolean unchanged(List<Reading> next) {
        return readings.size() == 1 && next.size() == 1 && next.getFirst() == readings.getFirst();
    }

    /** Takes the readings a message led to, equal ones merged, and lets go of messages all have passed. */
    private void merge(List<Reading> next) {
        Set<Reading> distinct = new LinkedHashSet<>();
        next.forEach(reading -> distinct.add(reading.normalized()));
        readings = List.copyOf(distinct);
        forgetPassed();
    }

    /** A FATAL error ends the session wherever it comes, whatever the reading; nothing may follow it. */
    private Answer closed() throws PairingLostException {
        if (readings.stream().allMatch(Reading::closed)) {
            throw new PairingLostException("the server sent a second FATAL error");
        }
        InFlightCommand owner = commonCurrent();
        readings = List.of(Reading.CLOSED);
        return new Answer(owner, owner != null, List.of());
    }

    /**
     * Every message forwarded whose answer has not ended: those still being paired, and those the
     * server has not begun to answer (taken from the session's messages). For the end of a session.
     */
    List<InFlightCommand> unanswered() {
        List<InFlightCommand> unanswered = new ArrayList<>(window);
        for (InFlightCommand taken = sent.take(); taken != null; taken = sent.take()) {
            unanswered.add(taken);
        }
        return unanswered;
    }

    /**
     * Whether the server has answered every message taken so far in full and waits for the next:
     * one reading, nothing in progress or skipped. With nothing left in the session's messages,
     * the server has nothing of this session's to answer.
     */
    boolean settled() {
        if (readings.size() != 1) {
            return false;
        }
        Reading reading = readings.getFirst();
        return !reading.closed() && reading.current() < 0 && reading.phase() == Phase.IDLE && !reading.skipping()
                && reading.next() == base + window.size();
    }

    /** The message whose answer is in progress, when every reading agrees on one; else {@code null}. */
    InFlightCommand current() {
        return commonCurrent();
    }

    private InFlightCommand commonCurrent() {
        int current = readings.getFirst().current();
        for (Reading reading : readings) {
            if (reading.current() != current) {
                return null;
            }
        }
        return current < 0 ? null : window.get(current - base);
    }

    /** Messages any time: they change no state and belong to no message of their own. */
    static boolean isAnytime(byte type) {
        return type == NoticeResponse.TYPE || type == NotificationResponse.TYPE || type == ParameterStatus.TYPE;
    }

    private Step step(Reading reading, byte type) throws Unexpected {
        if (reading.closed()) {
            throw new Unexpected("the server sent " + name(type) + " after a FATAL error");
        }
        List<InFlightCommand> skipped = reading.current() >= 0 ? List.of() : new ArrayList<>();
        Reading at = reading.current() >= 0 ? reading : begin(reading, type, skipped);
        InFlightCommand entry = entry(at.current());
        List<Reading> after = respond(at, entry, type);
        Reading first = after.getFirst();
        boolean ends = first.current() != at.current();
        return new Step(after, entry, ends, skipped);
    }

    /** The server reads on to the next message that answers anything; skipped ones are reported. */
    private Reading begin(Reading reading, byte type, List<InFlightCommand> skipped) throws Unexpected {
        int index = reading.next();
        boolean skipping = reading.skipping();
        while (true) {
            InFlightCommand entry = entry(index);
            if (entry == null) {
                throw new Unexpected("the server sent " + name(type) + " with no message of the client left to answer");
            }
            if (reading.swallowed().contains(index)) {
                index++;
                continue;
            }
            if (entry.kind == Kind.TERMINATE) {
                throw new Unexpected("the server sent " + name(type) + " after the client's Terminate");
            }
            if (entry.kind == Kind.SYNC) {
                return new Reading(index + 1, index, Phase.START, false, false, reading.swallowed());
            }
            if (skipping) {
                if (entry.kind.isRecordedCommand()) {
                    skipped.add(entry);
                }
            } else if (!answersNothing(entry.kind)) {
                return new Reading(index + 1, index, Phase.START, false, false, reading.swallowed());
            }
            index++;
        }
    }

    private static boolean answersNothing(Kind kind) {
        return kind == Kind.FLUSH || kind == Kind.COPY_DATA || kind == Kind.COPY_DONE || kind == Kind.COPY_FAIL;
    }

    private List<Reading> respond(Reading at, InFlightCommand entry, byte type) throws Unexpected {
        return switch (entry.kind) {
            case PARSE -> single(at, entry, type, ParseComplete.TYPE);
            case BIND -> single(at, entry, type, BindComplete.TYPE);
            case CLOSE -> single(at, entry, type, CloseComplete.TYPE);
            case DESCRIBE_PORTAL -> describePortal(at, entry, type);
            case DESCRIBE_STATEMENT -> describeStatement(at, entry, type);
            case EXECUTE -> execute(at, entry, type);
            case QUERY -> query(at, entry, type);
            case FUNCTION_CALL -> functionCall(at, entry, type);
            case SYNC -> sync(at, entry, type);
            default -> throw unexpected(at, entry, type);
        };
    }

    private List<Reading> single(Reading at, InFlightCommand entry, byte type, byte answer) throws Unexpected {
        if (type == answer) {
            return List.of(at.answered(false));
        }
        if (type == ErrorResponse.TYPE) {
            return List.of(at.answered(true));
        }
        throw unexpected(at, entry, type);
    }

    private List<Reading> describePortal(Reading at, InFlightCommand entry, byte type) throws Unexpected {
        return single(at, entry, type == NoData.TYPE ? RowDescription.TYPE : type, RowDescription.TYPE);
    }

    private List<Reading> describeStatement(Reading at, InFlightCommand entry, byte type) throws Unexpected {
        if (at.phase() == Phase.START) {
            if (type == ParameterDescription.TYPE) {
                return List.of(at.at(Phase.PARAMETERS_DESCRIBED));
            }
            if (type == ErrorResponse.TYPE) {
                return List.of(at.answered(true));
            }
        } else if (type == RowDescription.TYPE || type == NoData.TYPE) {
            return List.of(at.answered(false));
        }
        throw unexpected(at, entry, type);
    }

    private List<Reading> execute(Reading at, InFlightCommand entry, byte type) throws Unexpected {
        Phase phase = at.phase();
        if (type == ErrorResponse.TYPE) {
            return phase == Phase.COPY_IN ? copyFailed(at.answered(true)) : List.of(at.answered(true));
        }
        switch (phase) {
            case START, ROWS -> {
                if (type == DataRow.TYPE) {
                    return List.of(at.at(Phase.ROWS));
                }
                if (type == CommandComplete.TYPE || type == PortalSuspended.TYPE
                        || (phase == Phase.START && type == EmptyQueryResponse.TYPE)) {
                    return List.of(at.answered(false));
                }
                if (phase == Phase.START && (type == CopyInResponse.TYPE || type == CopyOutResponse.TYPE)) {
                    return List.of(at.at(type == CopyInResponse.TYPE ? Phase.COPY_IN : Phase.COPY_OUT));
                }
            }
            case COPY_IN -> {
                if (type == CommandComplete.TYPE) {
                    return List.of(copyCompleted(at).answered(false));
                }
            }
            case COPY_OUT, COPY_OUT_DONE -> {
                Reading next = copyOut(at, type);
                if (next != null) {
                    return List.of(next.phase() == Phase.NEXT_STATEMENT ? next.answered(false) : next);
                }
            }
            default -> {
                // Nothing else is an Execute's.
            }
        }
        throw unexpected(at, entry, type);
    }

    private List<Reading> query(Reading at, InFlightCommand entry, byte type) throws Unexpected {
        Phase phase = at.phase();
        if (phase == Phase.AWAIT_READY) {
            if (type == ReadyForQuery.TYPE) {
                return List.of(at.answered(false));
            }
            throw unexpected(at, entry, type);
        }
        if (type == ErrorResponse.TYPE) {
            // A Query's error does not start skipping; its ReadyForQuery follows.
            return phase == Phase.COPY_IN ? copyFailed(at.at(Phase.AWAIT_READY)) : List.of(at.at(Phase.AWAIT_READY));
        }
        switch (phase) {
            case START, NEXT_STATEMENT -> {
                if (type == RowDescription.TYPE) {
                    return List.of(at.at(Phase.ROWS));
                }
                if (type == CommandComplete.TYPE || type == EmptyQueryResponse.TYPE) {
                    return List.of(at.at(Phase.NEXT_STATEMENT));
                }
                if (type == CopyInResponse.TYPE || type == CopyOutResponse.TYPE) {
                    return List.of(at.at(type == CopyInResponse.TYPE ? Phase.COPY_IN : Phase.COPY_OUT));
                }
                if (phase == Phase.NEXT_STATEMENT && type == ReadyForQuery.TYPE) {
                    return List.of(at.answered(false));
                }
            }
            case ROWS -> {
                if (type == DataRow.TYPE) {
                    return List.of(at);
                }
                if (type == CommandComplete.TYPE) {
                    return List.of(at.at(Phase.NEXT_STATEMENT));
                }
            }
            case COPY_IN -> {
                if (type == CommandComplete.TYPE) {
                    return List.of(copyCompleted(at).at(Phase.NEXT_STATEMENT));
                }
            }
            case COPY_OUT, COPY_OUT_DONE -> {
                Reading next = copyOut(at, type);
                if (next != null) {
                    return List.of(next);
                }
            }
            default -> {
                // Nothing else is a Query's.
            }
        }
        throw unexpected(at, entry, type);
    }

    /** CopyData* CopyDone CommandComplete; {@code null} when {@code type} does not fit. */
    private static Reading copyOut(Reading at, byte type) {
        if (at.phase() == Phase.COPY_OUT) {
            if (type == CopyData.TYPE) {
                return at;
            }
            return type == CopyDone.TYPE ? at.at(Phase.COPY_OUT_DONE) : null;
        }
        return type == CommandComplete.TYPE ? at.at(Phase.NEXT_STATEMENT) : null;
    }

    private List<Reading> functionCall(Reading at, InFlightCommand entry, byte type) throws Unexpected {
        if (at.phase() == Phase.START && (type == FunctionCallResponse.TYPE || type == ErrorResponse.TYPE)) {
            return List.of(at.at(Phase.AWAIT_READY));
        }
        if (at.phase() == Phase.AWAIT_READY && type == ReadyForQuery.TYPE) {
            return List.of(at.answered(false));
        }
        throw unexpected(at, entry, type);
    }

    /** Sync commits an implicit transaction, which can fail: ErrorResponse, then ReadyForQuery all the same. */
    private List<Reading> sync(Reading at, InFlightCommand entry, byte type) throws Unexpected {
        if (type == ReadyForQuery.TYPE) {
            return List.of(at.answered(false));
        }
        if (at.phase() == Phase.START && type == ErrorResponse.TYPE) {
            return List.of(at.at(Phase.AWAIT_READY));
        }
        throw unexpected(at, entry, type);
    }

    /**
     * The COPY ended normally, so the server read the client's messages up to CopyDone; Sync and
     * Flush among them were swallowed.
     */
    private Reading copyCompleted(Reading at) throws Unexpected {
        for (int index = at.next(); ; index++) {
            InFlightCommand entry = entry(index);
            if (entry == null) {
                throw new Unexpected("the server completed a COPY FROM STDIN before the client's CopyDone");
            }
            if (at.swallowed().contains(index)) {
                continue;
            }
            switch (entry.kind) {
                case COPY_DATA, FLUSH, SYNC -> {
                    // Read by the COPY.
                }
                case COPY_DONE -> {
                    return new Reading(index + 1, at.current(), at.phase(), at.skipping(), false, at.swallowed());
                }
                default -> throw new Unexpected("the server completed a COPY FROM STDIN although the client sent "
                        + entry + " before CopyDone");
            }
        }
    }

    /**
     * The COPY failed after reading an unknown part of the client's COPY messages (CopyData,
     * CopyDone, CopyFail, Flush, Sync up to the first CopyDone or CopyFail). The CopyData, CopyDone,
     * CopyFail and Flush among them answer nothing either way; each Sync was either swallowed by
     * the COPY or answers after the error. The readings: the first j of them swallowed, j = 0..n.
     */
    private List<Reading> copyFailed(Reading after) throws Unexpected {
        Set<Integer> swallowed = new HashSet<>(after.swallowed());
        List<Integer> syncs = new ArrayList<>();
        for (int index = after.next(); ; index++) {
            InFlightCommand entry = entry(index);
            if (entry == null || swallowed.contains(index)) {
                break;
            }
            Kind kind = entry.kind;
            if (kind == Kind.SYNC) {
                syncs.add(index);
            } else if (kind == Kind.COPY_DATA || kind == Kind.FLUSH || kind == Kind.COPY_DONE || kind == Kind.COPY_FAIL) {
                swallowed.add(index);
            } else {
                break;
            }
            if (kind == Kind.COPY_DONE || kind == Kind.COPY_FAIL) {
                break;
            }
        }
        if (syncs.size() > MAX_UNCERTAIN_SYNCS) {
            throw new Unexpected("a COPY FROM STDIN failed with " + syncs.size() + " Syncs among its data; the gateway"
                    + " cannot follow which of them the server read");
        }
        List<Reading> readings = new ArrayList<>();
        for (int j = 0; j <= syncs.size(); j++) {
            Set<Integer> reading = new HashSet<>(swallowed);
            reading.addAll(syncs.subList(0, j));
            readings.add(new Reading(after.next(), after.current(), after.phase(), after.skipping(), false, Set.copyOf(reading)));
        }
        return readings;
    }

    private Unexpected unexpected(Reading at, InFlightCommand entry, byte type) {
        String state = at.phase() == Phase.START ? "" : " (" + at.phase().name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' ') + ")";
        return new Unexpected("the server sent " + name(type) + " where the answer to the client's " + entry + state
                + " was due");
    }

    /** The message's name as the protocol documentation spells it. */
    private static String name(byte type) {
        return switch (type) {
            case ParseComplete.TYPE -> "ParseComplete";
            case BindComplete.TYPE -> "BindComplete";
            case CloseComplete.TYPE -> "CloseComplete";
            case ParameterDescription.TYPE -> "ParameterDescription";
            case RowDescription.TYPE -> "RowDescription";
            case NoData.TYPE -> "NoData";
            case DataRow.TYPE -> "DataRow";
            case CommandComplete.TYPE -> "CommandComplete";
            case EmptyQueryResponse.TYPE -> "EmptyQueryResponse";
            case PortalSuspended.TYPE -> "PortalSuspended";
            case ErrorResponse.TYPE -> "ErrorResponse";
            case ReadyForQuery.TYPE -> "ReadyForQuery";
            case FunctionCallResponse.TYPE -> "FunctionCallResponse";
            case CopyInResponse.TYPE -> "CopyInResponse";
            case CopyOutResponse.TYPE -> "CopyOutResponse";
            case CopyBothResponse.TYPE -> "CopyBothResponse";
            case CopyData.TYPE -> "CopyData";
            case CopyDone.TYPE -> "CopyDone";
            default -> "a message of type '" + PrintableBytes.typeName(type) + "'";
        };
    }

    /** The message at {@code index}, taking newly forwarded ones as needed; {@code null} when not forwarded yet. */
    private InFlightCommand entry(int index) {
        int local = index - base;
        while (local >= window.size()) {
            InFlightCommand taken = sent.take();
            if (taken == null) {
                return null;
            }
            window.add(taken);
        }
        return window.get(local);
    }

    /** Lets go of messages every reading has passed; compacts in bulk so long pipelines stay linear. */
    private void forgetPassed() {
        int oldest = Integer.MAX_VALUE;
        for (Reading reading : readings) {
            oldest = Math.min(oldest, reading.current() >= 0 ? reading.current() : reading.next());
        }
        int passed = Math.min(oldest - base, window.size());
        if (passed > 0 && (passed >= window.size() / 2 || passed > 1024)) {
            window.subList(0, passed).clear();
            base += passed;
        }
    }
}
