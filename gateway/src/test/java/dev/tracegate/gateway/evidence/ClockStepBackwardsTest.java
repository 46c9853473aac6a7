package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The wall clock steps back an hour while the gateway runs (the log clock is made to read a clock an
 * hour behind, and events are stamped by it, between real sessions): the log's times still never go
 * back, one {@code clock.stepped} event says what happened, checkpoints keep growing, and the whole
 * log verifies. An event that is merely late to be sealed (stamped seconds before the events sealed
 * before it, as under load) announces no step.
 */
class ClockStepBackwardsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aClockStepBackLeavesAVerifiableMonotonicLogAndGrowingCheckpoints() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            EvidenceLog log = gateway.gateway().evidence();
            query(gateway);
            EvidenceLog.awaitDurable(log.append(adminAction(Instant.now().minusSeconds(5), "stamped, then sealed 5 s late")));
            query(gateway);
            long before = gateway.gateway().checkpoints().signNow().checkpoint().size();
            log.readWallClock(() -> Instant.now().minus(Duration.ofHours(1)));
            Instant stepped = Instant.now().minus(Duration.ofHours(1));
            List<CompletableFuture<Long>> appended = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                appended.add(log.append(adminAction(stepped.plusMillis(i), "stamped by a clock an hour behind")));
            }
            for (CompletableFuture<Long> index : appended) {
                EvidenceLog.awaitDurable(index);
            }
            query(gateway);
            long after = gateway.gateway().checkpoints().signNow().checkpoint().size();
            assertThat(after).as("checkpoints only grow").isGreaterThan(before);

            Instant previous = Instant.MIN;
            List<JsonNode> steps = new ArrayList<>();
            boolean lateEventSeen = false;
            for (byte[] leaf : TestGateway.leaves(log, 0)) {
                JsonNode event = JSON.readTree(leaf);
                Instant time = Instant.parse(event.path("time").asText());
                assertThat(time).as("event %s", event.path("index")).isAfterOrEqualTo(previous);
                previous = time;
                lateEventSeen |= event.path("detail").path("action").asText().contains("sealed 5 s late");
                if (event.path("type").asText().equals(EventType.CLOCK_STEPPED)) {
                    assertThat(lateEventSeen).as("the late event came first and announced nothing").isTrue();
                    steps.add(event);
                }
            }
            assertThat(steps).as("one step, one event").hasSize(1);
            JsonNode step = steps.getFirst().path("detail");
            assertThat(step.path("stepped_back_ms").asLong()).isBetween(3_599_000L, 3_601_000L);
            assertThat(Instant.parse(step.path("wall_clock").asText())).isBetween(stepped.minusSeconds(60), stepped.plusSeconds(60));

            HttpResponse<String> verified = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/evidence/verify"))
                    .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(verified.statusCode()).isEqualTo(200);
            JsonNode verdict = JSON.readTree(verified.body());
            assertThat(verdict.path("ok").asBoolean()).as(verified.body()).isTrue();
            // The verifier shows the step the gateway announced, and finds no time out of order to warn of.
            assertThat(verdict.path("summary").asText()).doesNotContain("WARNING");
            assertThat(verdict.path("results").toString()).contains("times: no event is earlier than an event before it",
                    "1 clock step(s) announced by the gateway (clock.stepped, the first at event index " + steps.getFirst().path("index")
                            + ", the wall clock back by up to " + String.format(Locale.ROOT, "%.3f s", step.path("stepped_back_ms").asLong() / 1e3));
        }
    }

    private static EvidenceEvent adminAction(Instant stamped, String action) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("action", action);
        return new EvidenceEvent(stamped, EventType.ADMIN_ACTION, EvidenceEvent.GATEWAY, null, null, null, detail);
    }

    private static void query(TestGateway gateway) throws Exception {
        try (Connection connection = gateway.connect("app"); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }
}
