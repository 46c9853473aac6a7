package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/** One held command's approval: the request, the votes and the decision, as the events record them. */
final class ApprovalRecord {
    /** The outcome of an event that voids a vote or decision the gateway's store could not keep. */
    static final String NOT_TAKEN = "not_taken";

    final String id;
    final long requestedLeaf;
    final Instant requestedAt;
    final ReportEvent.Actor requester;
    final String session;
    final String connection;
    final String statementClass;
    final String rule;
    final String reason;
    final String statement;
    final List<String> approverGroups;
    final List<String> breakGlassGroups;
    /** How many people the request needed (1 when the event does not say). */
    final int minApprovals;
    /** When the request expired unless decided; null when the event does not say. */
    final Instant expiresAt;
    /** Who created the key the held command's session signed in with ({@code requester_key}); null when the event does not say. */
    final Optional<RecordedKeyCreator> requesterKeyCreator;
    /** Who created the key each vote and the decision were given with ({@code signed_in_with}), by identity key. */
    private final Map<String, RecordedKeyCreator> deciderKeyCreators = new HashMap<>();
    final List<Long> voteLeaves = new ArrayList<>();
    /** Who cast each vote event, by identity key (their latest): the groups a counted vote came through. */
    private final Map<String, ReportEvent.Actor> voters = new HashMap<>();
    /** The identity keys of the votes the deciding event says counted, the decider's own among them. */
    private List<String> countedVoters = List.of();
    /** Later requests that gave the same id (the gateway's ids are random and unique): a decision could be theirs. */
    final List<Long> reusedIdLeaves = new ArrayList<>();
    /** The end of the session whose command the request holds, when the bundle holds it; -1 otherwise. */
    long sessionClosedLeaf = -1;
    /** Events saying a vote or decision was not taken (the gateway's store could not keep it): cited with the request. */
    final List<Long> notTakenLeaves = new ArrayList<>();
    CommandRecord command;
    long decidedLeaf = -1;
    /** The session the decision was recorded in: the request's, as the gateway records it. */
    String decidedSession;
    Instant decidedAt;
    ReportEvent.Actor decider;
    String outcome;
    String decisionReason;
    boolean breakGlass;
    int votes;

    ApprovalRecord(ReportEvent requested) {
        JsonNode detail = requested.detail();
        this.id = requested.detailText("id");
        this.requestedLeaf = requested.index();
        this.requestedAt = requested.time();
        this.requester = requested.actor();
        this.session = requested.session();
        this.connection = requested.connection();
        this.statementClass = requested.detailText("class");
        this.rule = requested.detailText("rule");
        this.reason = requested.detailText("reason");
        this.statement = StatementText.of(detail.get("command"));
        this.approverGroups = texts(detail.path("approver_groups"));
        this.breakGlassGroups = texts(detail.path("break_glass_groups"));
        this.minApprovals = Math.max(1, detail.path("min_approvals").asInt(1));
        this.expiresAt = ReportEvent.time(requested.detailText("expires_at"));
        this.requesterKeyCreator = RecordedKeyCreator.of(detail.path("requester_key"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return List.copyOf(values);
    }

    /**
     * A vote or the end of the wait; later events of an already decided request are ignored, but
     * for one saying the decision was not taken: the request then waits again for its real end.
     */
    void decided(ReportEvent event) {
        String eventOutcome = event.detailText("outcome");
        if (NOT_TAKEN.equals(eventOutcome)) {
            notTaken(event);
            return;
        }
        if ("vote".equals(eventOutcome)) {
            voteLeaves.add(event.index());
            voters.put(event.actor().key(), event.actor());
            keptKeyCreator(event);
            return;
        }
        if (decided() || eventOutcome == null) {
            return;
        }
        keptKeyCreator(event);
        decidedLeaf = event.index();
        decidedAt = event.time();
        decidedSession = event.session();
        decider = event.actor();
        outcome = eventOutcome;
        decisionReason = event.detailText("reason");
        breakGlass = event.detail().path("break_glass").asBoolean(false);
        votes = event.detail().path("votes").size();
        List<String> counted = new ArrayList<>();
        event.detail().path("votes").forEach(vote -> counted.add(vote.path("iss").asText(null) + " " + vote.path("sub").asText(null)));
        countedVoters = List.copyOf(counted);
    }

    boolean decided() {
        return outcome != null;
    }

    /**
     * The gateway recorded a vote or decision and then its store could not keep it, so it did not
     * happen: a voided vote never counted toward the decision (the deciding event lists only the
     * votes that did), and a voided approval or denial is undone here, so an approval whose
     * command never ran is not counted as approved.
     */
    private void notTaken(ReportEvent event) {
        notTakenLeaves.add(event.index());
        JsonNode voided = event.detail().path(NOT_TAKEN);
        boolean voidsDecision = decided() && voided.path("outcome").asText().equals(outcome)
                && voided.path("sub").asText().equals(decider.subject()) && sameMicrosecond(voided.path("at").asText(), decidedAt);
        if (voidsDecision) {
            notTakenLeaves.add(decidedLeaf);
            decidedLeaf = -1;
            decidedAt = null;
            decidedSession = null;
            decider = null;
            outcome = null;
            decisionReason = null;
            breakGlass = false;
            votes = 0;
            countedVoters = List.of();
        }
    }

    /** The log keeps event times to the microsecond; a decision's own record of its time may be finer. */
    private static boolean sameMicrosecond(String time, Instant instant) {
        try {
            return Instant.parse(time).truncatedTo(ChronoUnit.MICROS).equals(instant.truncatedTo(ChronoUnit.MICROS));
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Approved or denied by a person, with the seconds it took; null for expired, withdrawn and pending requests. */
    Long secondsToDecide() {
        boolean byPerson = "approved".equals(outcome) || "denied".equals(outcome);
        return byPerson && requestedAt != null && decidedAt != null ? Duration.between(requestedAt, decidedAt).toSeconds() : null;
    }

    /**
     * The groups through which someone whose approval counted could approve that the requester is
     * also in: an approval from inside the requester's own team, which segregation of duties asks
     * about. Everyone whose vote counted is asked about, not only who cast the deciding one: with
     * two approvals needed, a colleague's vote is half the decision.
     */
    List<String> sharedDecidingGroups() {
        List<String> deciding = new ArrayList<>(approverGroups);
        deciding.addAll(breakGlassGroups);
        TreeSet<String> shared = new TreeSet<>();
        for (ReportEvent.Actor approver : approvers()) {
            TreeSet<String> eligible = new TreeSet<>(approver.groups());
            eligible.retainAll(deciding);
            eligible.retainAll(requester.groups());
            shared.addAll(eligible);
        }
        return List.copyOf(shared);
    }

    /**
     * Whether the requester's own approval counted (the decider, or a vote the deciding event
     * counts, of the requester's issuer and subject or their mailbox). The gateway refuses it; a
     * log that holds one is an exception whatever the groups say.
     */
    boolean approvedByRequester() {
        return approvers().stream().anyMatch(approver -> approver.samePersonAs(requester));
    }

    /**
     * Why the events do not bear out that this request was approved, empty when they do (or when it
     * was not approved): someone whose approval counted could approve through none of its approver
     * or break-glass groups; fewer people approved than it needed, and no break-glass member
     * approved it alone; it was approved after it expired, or in another session than the one whose
     * command it holds; its command's result came before the approval. The gateway decides none of these so,
     * so a log that holds one is followed up, and its command reads as run without an approval.
     */
    List<String> unsupported() {
        List<ReportEvent.Actor> approvers = approvers();
        if (approvers.isEmpty()) {
            return List.of();
        }
        List<String> why = new ArrayList<>();
        for (ReportEvent.Actor approver : approvers) {
            if (approver.groups().stream().noneMatch(group -> approverGroups.contains(group) || breakGlassGroups.contains(group))) {
                why.add(approver.display() + " approved through none of its approver or break-glass groups");
            }
        }
        boolean byBreakGlass = breakGlass && decider.groups().stream().anyMatch(breakGlassGroups::contains);
        int people = distinctPeople(approvers);
        if (!byBreakGlass && people < minApprovals) {
            why.add("approved by " + people + " of the " + minApprovals + " people it needed"
                    + (breakGlass ? ", marked break-glass by " + decider.display() + ", who is in none of its break-glass groups" : ""));
        }
        if (expiresAt != null && decidedAt != null && decidedAt.isAfter(expiresAt)) {
            why.add("approved at " + decidedAt + ", after it expired at " + expiresAt);
        }
        if (!Objects.equals(decidedSession, session)) {
            why.add("approved in session " + decidedSession + ", not in the session " + session + " whose command it holds");
        }
        if (sessionClosedLeaf >= 0 && sessionClosedLeaf < decidedLeaf) {
            why.add("approved (leaf " + decidedLeaf + ") after the session whose command it holds ended (leaf " + sessionClosedLeaf
                    + "): the gateway withdraws a request whose client is gone");
        }
        if (!reusedIdLeaves.isEmpty()) {
            why.add("its id was requested again (leaf " + reusedIdLeaves.getFirst() + "), so which request the approval decided"
                    + " cannot be told: the gateway gives every request an id of its own");
        }
        if (command != null && command.resultLeaf >= 0 && command.resultLeaf < decidedLeaf) {
            why.add("its command's result (leaf " + command.resultLeaf + ") was recorded before it was approved (leaf "
                    + decidedLeaf + ")");
        }
        return List.copyOf(why);
    }

    /** How many people {@code approvers} are, identities that are the same person ({@code samePersonAs}) counted once. */
    private static int distinctPeople(List<ReportEvent.Actor> approvers) {
        List<ReportEvent.Actor> people = new ArrayList<>();
        for (ReportEvent.Actor approver : approvers) {
            if (people.stream().noneMatch(person -> person.samePersonAs(approver) || approver.samePersonAs(person))) {
                people.add(approver);
            }
        }
        return people.size();
    }

    /**
     * Whether someone whose approval counted created a key of the requester's service account, or
     * the requester created a key of theirs ({@link KeyCreators}): whoever created a key holds its
     * secret, so the approval came from the requester's side of the key either way.
     */
    boolean approvedByKeyCreator(KeyCreators keys) {
        return approvers().stream().anyMatch(approver -> keys.holdsTheKeyOf(approver, requester) || holdsTheKeysOf(approver));
    }

    /**
     * What the events of the request and the decision say of the keys themselves (since
     * 2026-12-07): the command ran with a key {@code approver} created, the approval was given with
     * a key the requester created, or both keys have one creator, who holds both. Unlike the
     * account's key creations, this holds for a key created before the bundle's first event.
     */
    private boolean holdsTheKeysOf(ReportEvent.Actor approver) {
        RecordedKeyCreator approverKeyCreator = deciderKeyCreators.get(approver.key());
        return requesterKeyCreator.map(creator -> creator.is(approver) || creator.samePersonAs(approverKeyCreator)).orElse(false)
                || approverKeyCreator != null && approverKeyCreator.is(requester);
    }

    private void keptKeyCreator(ReportEvent event) {
        RecordedKeyCreator.of(event.detail().path("signed_in_with")).ifPresent(creator -> deciderKeyCreators.put(event.actor().key(), creator));
    }

    /** Everyone whose approval counted toward an approved request: the decider and the counted voters whose votes the bundle holds. */
    private List<ReportEvent.Actor> approvers() {
        if (decider == null || !"approved".equals(outcome)) {
            return List.of();
        }
        List<ReportEvent.Actor> approvers = new ArrayList<>();
        approvers.add(decider);
        countedVoters.stream().filter(key -> !key.equals(decider.key())).map(voters::get).filter(Objects::nonNull)
                .forEach(approvers::add);
        return approvers;
    }

    /** The leaves of the request, every vote and the decision. */
    LeafSet leaves() {
        LeafSet leaves = new LeafSet();
        leaves.add(requestedLeaf);
        voteLeaves.forEach(leaves::add);
        reusedIdLeaves.forEach(leaves::add);
        notTakenLeaves.forEach(leaves::add);
        if (decidedLeaf >= 0) {
            leaves.add(decidedLeaf);
        }
        return leaves;
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", id);
        json.put("requested_leaf", requestedLeaf);
        json.put("requested_at", String.valueOf(requestedAt));
        json.put("requester", requester.display());
        json.put("requester_subject", requester.subject());
        json.put("connection", connection);
        json.put("class", statementClass);
        json.put("rule", rule);
        json.put("statement", statement);
        ArrayNode groups = json.putArray("approver_groups");
        approverGroups.forEach(groups::add);
        json.put("outcome", decided() ? outcome : "pending");
        if (decided()) {
            json.put("decided_leaf", decidedLeaf);
            json.put("decided_at", String.valueOf(decidedAt));
            json.put("decided_by", decider.display());
            json.put("decided_by_subject", decider.subject());
            if (decisionReason != null) {
                json.put("reason", decisionReason);
            }
            json.put("break_glass", breakGlass);
            json.put("votes", votes);
        }
        Long seconds = secondsToDecide();
        if (seconds != null) {
            json.put("seconds_to_decide", seconds);
        }
        if (command != null) {
            json.put("command_leaf", command.leaf);
        }
        return json;
    }
}
