package dev.tracegate.gateway.siem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.identity.Identity;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An evidence event as an OCSF (Open Cybersecurity Schema Framework) event, the shape SIEMs map
 * without a custom parser: sessions and failed log-ins are Authentication (3002), PostgreSQL
 * commands Datastore Activity (6005), other protocols' commands, approvals and everything else API
 * Activity (6003). The evidence event itself travels along under {@code unmapped.tracegate}. The
 * table is in docs/operations.md#siem-forwarding. Evidence events hold no secret and no value a
 * masking rule hides, so neither does this.
 */
public final class OcsfMapping {

    static final String OCSF_VERSION = "1.3.0";
    private static final Pattern HOST_PORT = Pattern.compile("^\\[?([^\\[\\]]+?)]?:(\\d{1,5})$");
    private static final Set<String> HTTP_READS = Set.of("GET", "HEAD", "OPTIONS");

    private final String origin;
    private final String productVersion;

    /**
     * @param origin         the evidence log's origin ({@code evidence.origin}), as {@code metadata.log_name}
     * @param productVersion the gateway's version
     */
    public OcsfMapping(String origin, String productVersion) {
        this.origin = origin;
        this.productVersion = productVersion;
    }

    /** The OCSF event for {@code event}. */
    public ObjectNode map(EvidenceEvent event) {
        Shape shape = shape(event);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("class_uid", shape.classUid());
        out.put("class_name", className(shape.classUid()));
        out.put("category_uid", shape.classUid() / 1000);
        out.put("category_name", shape.classUid() / 1000 == 3 ? "Identity & Access Management" : "Application Activity");
        out.put("activity_id", shape.activityId());
        out.put("activity_name", shape.activityName());
        out.put("type_uid", shape.classUid() * 100L + shape.activityId());
        out.put("type_name", className(shape.classUid()) + ": " + shape.activityName());
        out.put("time", event.time().toEpochMilli());
        out.put("severity_id", shape.severity().id());
        out.put("severity", shape.severity().label());
        out.put("status_id", shape.status().id());
        out.put("status", shape.status().label());
        String reason = event.detail().path("reason").asText(null);
        if (reason != null) {
            out.put("status_detail", reason);
        }
        out.put("message", event.type() + (event.resource() == null || event.resource().connection() == null ? ""
                : " on " + event.resource().connection()));
        metadata(out.putObject("metadata"), event);
        actor(out.putObject("actor"), event.actor());
        sourceEndpoint(out, event.detail());
        target(out, event, shape.classUid());
        ObjectNode tracegate = out.putObject("unmapped").putObject("tracegate");
        tracegate.put("type", event.type());
        tracegate.set("event", event.toLeaf(0).without("index"));
        return out;
    }

    private Shape shape(EvidenceEvent event) {
        JsonNode detail = event.detail();
        boolean database = event.resource() != null && "postgres".equals(event.resource().protocol());
        return switch (event.type()) {
            case EventType.SESSION_OPEN -> new Shape(3002, 1, "Logon", Severity.INFORMATIONAL, Status.SUCCESS);
            case EventType.SESSION_CLOSE -> new Shape(3002, 2, "Logoff", Severity.INFORMATIONAL, Status.SUCCESS);
            case EventType.AUTH_FAILURE -> new Shape(3002, 1, "Logon", Severity.MEDIUM, Status.FAILURE);
            case EventType.SESSION_REFUSED -> new Shape(3002, 1, "Logon", Severity.LOW, Status.FAILURE);
            case EventType.COMMAND -> command(database, detail, Severity.INFORMATIONAL, Status.UNKNOWN);
            case EventType.COMMAND_RESULT -> command(database, detail, Severity.INFORMATIONAL,
                    detail.has("error") ? Status.FAILURE : Status.SUCCESS);
            case EventType.COMMAND_BLOCKED -> command(database, detail, Severity.MEDIUM, Status.FAILURE);
            case EventType.APPROVAL_REQUESTED -> new Shape(6003, 1, "Create", Severity.LOW, Status.UNKNOWN);
            case EventType.APPROVAL_DECIDED -> new Shape(6003, 3, "Update", Severity.LOW,
                    Set.of("approved", "granted").contains(detail.path("outcome").asText()) ? Status.SUCCESS : Status.FAILURE);
            default -> new Shape(6003, 99, "Other", Severity.INFORMATIONAL, Status.SUCCESS);
        };
    }

    private static Shape command(boolean database, JsonNode detail, Severity severity, Status status) {
        if (database) {
            return new Shape(6005, 4, "Query", severity, status);
        }
        String method = detail.path("message").asText("").split(" ", 2)[0];
        return switch (method) {
            case "POST" -> new Shape(6003, 1, "Create", severity, status);
            case "PUT", "PATCH" -> new Shape(6003, 3, "Update", severity, status);
            case "DELETE" -> new Shape(6003, 4, "Delete", severity, status);
            default -> HTTP_READS.contains(method) ? new Shape(6003, 2, "Read", severity, status)
                    : new Shape(6003, 99, "Other", severity, status);
        };
    }

    private void metadata(ObjectNode metadata, EvidenceEvent event) {
        metadata.put("version", OCSF_VERSION);
        ObjectNode product = metadata.putObject("product");
        product.put("name", "Tracegate");
        product.put("vendor_name", "Tracegate");
        product.put("version", productVersion);
        metadata.put("log_name", origin);
        metadata.put("event_code", event.type());
        // The log gives an event its index after it is forwarded: receivers deduplicate retried batches by this id.
        metadata.put("uid", UUID.randomUUID().toString());
        if (event.session() != null) {
            metadata.put("correlation_uid", event.session());
        }
    }

    private static void actor(ObjectNode actor, Identity identity) {
        ObjectNode user = actor.putObject("user");
        user.put("uid", identity.subject());
        putIfPresent(user, "name", identity.name());
        putIfPresent(user, "email_addr", identity.email());
        putIfPresent(user, "type", identity.kind());
        if (identity.groups() != null && !identity.groups().isEmpty()) {
            identity.groups().forEach(group -> user.withArray("groups").addObject().put("name", group));
        }
        actor.putObject("idp").put("name", identity.issuer());
    }

    private static void sourceEndpoint(ObjectNode out, JsonNode detail) {
        String client = detail.path("client").asText(detail.path("source").asText(null));
        if (client == null || client.isEmpty()) {
            return;
        }
        ObjectNode endpoint = out.putObject("src_endpoint");
        Matcher hostPort = HOST_PORT.matcher(client);
        if (hostPort.matches()) {
            endpoint.put("ip", hostPort.group(1));
            endpoint.put("port", Integer.parseInt(hostPort.group(2)));
        } else {
            endpoint.put("ip", client);
        }
    }

    private static void target(ObjectNode out, EvidenceEvent event, int classUid) {
        JsonNode detail = event.detail();
        if (classUid == 6005) {
            ObjectNode database = out.putObject("database");
            database.put("type", "PostgreSQL");
            putIfPresent(database, "name", event.resource().target());
            String statement = detail.path("statement").asText(detail.path("message").asText(null));
            if (statement != null) {
                out.putObject("query_info").put("query_string", statement);
            }
        } else if (classUid == 6003) {
            ObjectNode api = out.putObject("api");
            api.put("operation", event.type());
            if (event.resource() != null) {
                ObjectNode service = api.putObject("service");
                putIfPresent(service, "name", event.resource().connection());
                putIfPresent(service, "uid", event.resource().target());
            }
        } else if (event.resource() != null) {
            ObjectNode service = out.putObject("service");
            putIfPresent(service, "name", event.resource().connection());
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String className(int classUid) {
        return switch (classUid) {
            case 3002 -> "Authentication";
            case 6005 -> "Datastore Activity";
            default -> "API Activity";
        };
    }

    /** Class, activity, severity and status of one kind of evidence event. */
    private record Shape(int classUid, int activityId, String activityName, Severity severity, Status status) {
    }

    /** OCSF severity_id; {@link #syslog()} is RFC 5424's severity for the same. */
    enum Severity {
        INFORMATIONAL(1, "Informational", 6), LOW(2, "Low", 5), MEDIUM(3, "Medium", 4), HIGH(4, "High", 3);

        private final int id;
        private final String label;
        private final int syslog;

        Severity(int id, String label, int syslog) {
            this.id = id;
            this.label = label;
            this.syslog = syslog;
        }

        int id() {
            return id;
        }

        String label() {
            return label;
        }

        int syslog() {
            return syslog;
        }

        static Severity of(int id) {
            for (Severity severity : values()) {
                if (severity.id == id) {
                    return severity;
                }
            }
            return INFORMATIONAL;
        }
    }

    /** OCSF status_id. */
    private enum Status {
        UNKNOWN(0, "Unknown"), SUCCESS(1, "Success"), FAILURE(2, "Failure");

        private final int id;
        private final String label;

        Status(int id, String label) {
            this.id = id;
            this.label = label;
        }

        int id() {
            return id;
        }

        String label() {
            return label;
        }
    }
}
