package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Sessions opened in the period, by identity, kind (human, service, agent) and connection, and those without TLS. */
final class Sessions {
    static final Map<String, String> KINDS = TallyMap.labels("human", "Sessions of people", "service", "Sessions of services",
            "agent", "Sessions of agents");

    /** What the samples need to know about a session. */
    record Opened(String id, long leaf, String identity, String connection, String protocol) {
    }

    private final Identities identities;
    private final Tally total = new Tally();
    private final Tally withoutTls = new Tally();
    private final TallyMap byKind = new TallyMap();
    private final TallyMap byIdentity = new TallyMap();
    private final TallyMap commandsByIdentity = new TallyMap();
    private final TallyMap byConnection = new TallyMap();
    private final Map<String, Opened> opened = new TreeMap<>();

    Sessions(Identities identities) {
        this.identities = identities;
    }

    void accept(ReportEvent event) {
        if (event.is(EventTypes.COMMAND)) {
            commandsByIdentity.get(identities.remember(event.actor())).count(event.index());
        }
        if (!event.is(EventTypes.SESSION_OPEN) || event.session() == null) {
            return;
        }
        String identity = identities.remember(event.actor());
        total.count(event.index());
        byKind.get(event.actor().kindOrUnknown()).count(event.index());
        byIdentity.get(identity).count(event.index());
        byConnection.get(event.connection()).count(event.index());
        JsonNode tls = event.detail().get("tls");
        if (tls != null && tls.isBoolean() && !tls.booleanValue()) {
            withoutTls.count(event.index());
        }
        opened.putIfAbsent(event.session(), new Opened(event.session(), event.index(), identity, event.connection(),
                event.protocol()));
    }

    /** Session ids in the population, sorted: what the sample is drawn from. */
    List<String> ids() {
        return new ArrayList<>(opened.keySet());
    }

    Opened opened(String id) {
        return opened.get(id);
    }

    Tally withoutTls() {
        return withoutTls;
    }

    Tally sessionsOf(String identity) {
        return byIdentity.get(identity);
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("total", Figures.of("sessions.total", "Sessions opened", total));
        json.set("by_kind", TallyMap.fixed("sessions.kind", KINDS, byKind));
        json.set("without_tls", Figures.of("sessions.without_tls", "Sessions whose client connection had no TLS", withoutTls));
        ArrayNode rows = json.putArray("by_identity");
        for (String key : byIdentity.keysByCount()) {
            ObjectNode row = rows.addObject();
            row.set("identity", identities.toJson(key));
            row.set("sessions", Figures.of("sessions.by_identity[" + key + "]", "Sessions of " + identities.display(key),
                    byIdentity.get(key)));
            row.set("commands", Figures.of("commands.by_identity[" + key + "]", "Commands of " + identities.display(key),
                    commandsByIdentity.get(key)));
        }
        json.set("by_connection", byConnection.toJson("sessions.by_connection", key -> "Sessions on " + key));
        return json;
    }
}
