package dev.tracegate.gateway.siem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.identity.Identity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OCSF class, activity and status of each kind of evidence event: the table in docs/operations.md. */
class OcsfMappingTest {

    private static final Identity BOB = new Identity("https://login.example.com", "00u1bob", "Bob", "bob@example.com",
            List.of("dba", "oncall"), "human");
    private final OcsfMapping mapping = new OcsfMapping("tracegate.example.com/prod", "0.1.0");

    @ParameterizedTest(name = "{0} over {1} {2}")
    @CsvSource({
        "session.open,     postgres, '',                 3002, 1,  Logon,  1",
        "session.close,    postgres, '',                 3002, 2,  Logoff, 1",
        "auth.failure,     postgres, '',                 3002, 1,  Logon,  2",
        "session.refused,  http,     '',                 3002, 1,  Logon,  2",
        "command,          postgres, SELECT 1,           6005, 4,  Query,  0",
        "command.blocked,  postgres, DELETE FROM orders, 6005, 4,  Query,  2",
        "command.result,   postgres, '',                 6005, 4,  Query,  1",
        "command,          http,     GET /traces/1,      6003, 2,  Read,   0",
        "command,          http,     POST /traces/,      6003, 1,  Create, 0",
        "command,          http,     PATCH /traces/1,    6003, 3,  Update, 0",
        "command.blocked,  http,     DELETE /traces/1,   6003, 4,  Delete, 2",
        "command,          ssh,      uname -a,           6003, 99, Other,  0",
        "approval.requested, postgres, '',               6003, 1,  Create, 0",
        "policy.changed,   '',       '',                 6003, 99, Other,  1",
    })
    void mapsEachEventToItsClassActivityAndStatus(String type, String protocol, String message, int classUid,
                                                    int activityId, String activityName, int statusId) {
        ObjectNode detail = EvidenceEvent.newDetail();
        if (!message.isEmpty()) {
            detail.put("message", message);
        }
        EvidenceEvent.Resource resource = protocol.isEmpty() ? null : new EvidenceEvent.Resource("shop", protocol, "shop");
        JsonNode ocsf = mapping.map(new EvidenceEvent(Instant.parse("2026-12-04T10:00:00Z"), type, BOB, "s-9", null, resource, detail));
        assertThat(ocsf.path("class_uid").asInt()).isEqualTo(classUid);
        assertThat(ocsf.path("category_uid").asInt()).isEqualTo(classUid / 1000);
        assertThat(ocsf.path("activity_id").asInt()).isEqualTo(activityId);
        assertThat(ocsf.path("activity_name").asText()).isEqualTo(activityName);
        assertThat(ocsf.path("type_uid").asLong()).isEqualTo(classUid * 100L + activityId);
        assertThat(ocsf.path("status_id").asInt()).isEqualTo(statusId);
        assertThat(ocsf.path("time").asLong()).isEqualTo(Instant.parse("2026-12-04T10:00:00Z").toEpochMilli());
        assertThat(ocsf.path("unmapped").path("tracegate").path("event").path("type").asText()).isEqualTo(type);
    }

    @Test
    void approvalsDecidedAreSuccessOnlyWhenApproved() {
        assertThat(decided("approved").path("status").asText()).isEqualTo("Success");
        assertThat(decided("granted").path("status").asText()).isEqualTo("Success");
        assertThat(decided("denied").path("status").asText()).isEqualTo("Failure");
        assertThat(decided("expired").path("status").asText()).isEqualTo("Failure");
        assertThat(decided("denied").path("activity_name").asText()).isEqualTo("Update");
    }

    @Test
    void carriesWhoFromWhereAndTheSessionToCorrelate() {
        ObjectNode detail = EvidenceEvent.newDetail().put("client", "[2001:db8::7]:51234");
        JsonNode ocsf = mapping.map(new EvidenceEvent(Instant.now(), "session.open", BOB, "s-9", null,
                new EvidenceEvent.Resource("shop", "postgres", "shop"), detail));
        assertThat(ocsf.path("actor").path("user").path("uid").asText()).isEqualTo("00u1bob");
        assertThat(ocsf.path("actor").path("user").path("email_addr").asText()).isEqualTo("bob@example.com");
        assertThat(ocsf.path("actor").path("user").path("groups").findValuesAsText("name")).containsExactly("dba", "oncall");
        assertThat(ocsf.path("actor").path("idp").path("name").asText()).isEqualTo("https://login.example.com");
        assertThat(ocsf.path("src_endpoint").path("ip").asText()).isEqualTo("2001:db8::7");
        assertThat(ocsf.path("src_endpoint").path("port").asInt()).isEqualTo(51234);
        assertThat(ocsf.path("metadata").path("correlation_uid").asText()).isEqualTo("s-9");
        assertThat(ocsf.path("metadata").path("log_name").asText()).isEqualTo("tracegate.example.com/prod");
        assertThat(ocsf.path("metadata").path("version").asText()).isEqualTo(OcsfMapping.OCSF_VERSION);
    }

    private JsonNode decided(String outcome) {
        ObjectNode detail = EvidenceEvent.newDetail().put("outcome", outcome).put("id", "a-1");
        return mapping.map(new EvidenceEvent(Instant.now(), "approval.decided", BOB, "s-9", null,
                new EvidenceEvent.Resource("shop", "postgres", "shop"), detail));
    }
}
