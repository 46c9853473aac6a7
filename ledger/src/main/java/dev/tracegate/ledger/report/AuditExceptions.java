package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an auditor asks about: privileged statements that ran without an approval, approvals
 * decided from inside the requester's own group, approvals the events do not support, masked callers refused again and again,
 * evidence gaps, commands whose session ended without their end, sessions without TLS, and (not answerable from the log) identities that no
 * longer exist at their provider.
 */
final class AuditExceptions {
    private final Identities identities;
    private final Commands commands;
    private final Approvals approvals;
    private final KeyCreators keyCreators;
    private final Masking masking;
    private final int refusalThreshold;

    AuditExceptions(Identities identities, Commands commands, Approvals approvals, KeyCreators keyCreators, Masking masking,
                    int refusalThreshold) {
        this.identities = identities;
        this.commands = commands;
        this.approvals = approvals;
        this.keyCreators = keyCreators;
        this.masking = masking;
        this.refusalThreshold = refusalThreshold;
    }

    ObjectNode toJson(ObjectNode integrity, Sessions sessions) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("privileged_without_approval", privilegedWithoutApproval());
        json.set("own_group_approvals", ownGroupApprovals());
        json.set("unsupported_approvals", unsupportedApprovals());
        json.set("repeatedly_refused_masked_callers", repeatedlyRefused());
        json.set("evidence_gaps", evidenceGaps(integrity));
        json.set("commands_without_end", commandsWithoutEnd());
        ObjectNode tls = json.putObject("sessions_without_tls");
        tls.set("count", Figures.of("exceptions.sessions_without_tls", "Sessions whose client connection had no TLS",
                sessions.withoutTls()));
        ObjectNode departed = json.putObject("departed_identities");
        departed.put("evaluated", false);
        departed.put("why", "The evidence log records who authenticated, not who still exists at the identity provider."
                + " Compare the identities under Sessions with the provider's leavers for the period; service-account keys"
                + " revoked in the period are under Service accounts and tokens.");
        return json;
    }

    private ObjectNode privilegedWithoutApproval() {
        Tally count = new Tally();
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (CommandRecord record : commands.privileged()) {
            if (record.ranWithoutApproval()) {
                count.count(record.leaf);
                items.add(record.toJson());
            }
        }
        return listed(Figures.of("exceptions.privileged_without_approval",
                "Privileged statements that ran without an approval (the rule that allowed each is listed)", count), items);
    }

    private ObjectNode commandsWithoutEnd() {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        commands.withoutEnd().forEach(record -> items.add(record.toJson()));
        return listed(Figures.of("exceptions.commands_without_end",
                "Commands whose session ended without their result or refusal", commands.withoutEndTotal()), items);
    }

    private ObjectNode ownGroupApprovals() {
        Tally count = new Tally();
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (ApprovalRecord record : approvals.all()) {
            var shared = record.sharedDecidingGroups();
            boolean byRequester = record.approvedByRequester();
            boolean byKeyCreator = record.approvedByKeyCreator(keyCreators);
            if (shared.isEmpty() && !byRequester && !byKeyCreator) {
                continue;
            }
            count.count(record.requestedLeaf).cite(record.decidedLeaf);
            ObjectNode item = record.toJson();
            shared.forEach(item.putArray("shared_groups")::add);
            if (byRequester) {
                item.put("by_requester", true);
            }
            if (byKeyCreator) {
                item.put("by_key_creator", true);
            }
            items.add(item);
        }
        return listed(Figures.of("exceptions.own_group_approvals", "Approvals decided through a group the requester is also in",
                count), items);
    }

    /** Approved requests whose events do not bear the approval out ({@link ApprovalRecord#unsupported}). */
    private ObjectNode unsupportedApprovals() {
        Tally count = new Tally();
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (ApprovalRecord record : approvals.all()) {
            var why = record.unsupported();
            if (why.isEmpty()) {
                continue;
            }
            count.count(record.requestedLeaf);
            for (long leaf : record.leaves().indexes()) {
                count.cite(leaf);
            }
            ObjectNode item = record.toJson();
            why.forEach(item.putArray("unsupported")::add);
            items.add(item);
        }
        return listed(Figures.of("exceptions.unsupported_approvals",
                "Approvals the events do not support (not an approver, too few people, after expiry, another session,"
                        + " after the command ran, after the session ended, an id requested twice)", count), items);
    }

    /** An exception of its count and its items. */
    private static ObjectNode listed(ObjectNode count, ArrayNode items) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("count", count);
        json.set("items", items);
        return json;
    }

    private ObjectNode repeatedlyRefused() {
        Set<String> masked = new TreeSet<>(masking.maskedCallers());
        for (CommandRecord record : commands.blocked()) {
            if (masking.maskingRules().contains(record.refusalRule)) {
                masked.add(identities.remember(record.actor));
            }
        }
        Tally count = new Tally();
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (String identity : masked) {
            Tally refusals = commands.blockedByIdentity().entries().get(identity);
            if (refusals == null || refusals.value() < refusalThreshold) {
                continue;
            }
            count.add(1, refusals.leaves().indexes()[0]);
            for (long leaf : refusals.leaves().indexes()) {
                count.cite(leaf);
            }
            ObjectNode item = items.addObject();
            item.set("identity", identities.toJson(identity));
            item.set("refusals", Figures.of("exceptions.refused_masked_caller[" + identity + "]",
                    "Commands of " + identities.display(identity) + " refused", refusals));
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("threshold", refusalThreshold);
        json.set("count", Figures.of("exceptions.repeatedly_refused_masked_callers",
                "Masked callers refused " + refusalThreshold + " times or more", count));
        json.set("items", items);
        return json;
    }

    /** Checkpoint gaps, events of the period missing from the bundle, events not proven, earlier checkpoints not consistent. */
    private static ObjectNode evidenceGaps(ObjectNode integrity) {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        LeafSet leaves = new LeafSet();
        long total = 0;
        for (JsonNode gap : integrity.path("gaps")) {
            items.addObject().put("kind", "checkpoint gap").put("description", gap.path("events").path("label").asText()
                    + " (" + gap.path("from").asText() + " to " + gap.path("to").asText() + ")").set("figure", gap.path("events").deepCopy());
            addLeaves(leaves, gap.path("events"));
            total++;
        }
        for (String name : new String[] {"missing", "not_proven"}) {
            JsonNode figure = name.equals("missing") ? integrity.path("range").path("missing") : integrity.path("events_not_proven");
            if (figure.path(Figures.VALUE).asLong() > 0) {
                items.addObject().put("kind", name.equals("missing") ? "events missing from the bundle" : "events not proven")
                        .put("description", figure.path(Figures.LABEL).asText()).set("figure", figure.deepCopy());
                addLeaves(leaves, figure);
                total++;
            }
        }
        for (JsonNode checkpoint : integrity.path("checkpoints")) {
            if (!checkpoint.path("consistent").asBoolean()) {
                items.addObject().put("kind", "checkpoint not consistent").put("description", "earlier checkpoint of size "
                        + checkpoint.path("tree_size").asLong() + ": " + checkpoint.path("problem").asText());
                total++;
            }
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("count", Figures.of("exceptions.evidence_gaps", "Evidence gaps", total, null, leaves));
        json.set("items", items);
        return json;
    }

    private static void addLeaves(LeafSet leaves, JsonNode figure) {
        leaves.addAll(LeafSet.fromJson(figure.path(Figures.LEAVES), 10_000_000));
    }
}
