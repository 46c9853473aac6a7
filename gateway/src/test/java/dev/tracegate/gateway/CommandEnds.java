package dev.tracegate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.evidence.EvidenceLog;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/** What the evidence says became of one recorded command, once its session has ended. */
public final class CommandEnds {

    private CommandEnds() {
    }

    /**
     * Waits for the end of the command's session, then checks that one {@code command.result}
     * closes the command, as {@code unanswered}, before the session's {@code session.close}.
     *
     * @return that result
     */
    public static JsonNode unansweredBeforeItsSessionCloses(EvidenceLog log, JsonNode command) throws IOException {
        String session = command.path("session").asText();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !ofSession(log, "session.close", session).isEmpty());
        List<JsonNode> results = ofSession(log, "command.result", session).stream()
                .filter(result -> result.path("detail").path("seq").equals(command.path("detail").path("seq"))).toList();
        assertThat(results).as("one command.result closes the command cut off").hasSize(1);
        JsonNode result = results.getFirst();
        assertThat(result.path("detail").path("status").asText()).isEqualTo("unanswered");
        assertThat(result.path("detail").path("error").toString()).contains("it may have run");
        assertThat(result.path("index").asLong()).as("before the session's end")
                .isLessThan(ofSession(log, "session.close", session).getFirst().path("index").asLong());
        return result;
    }

    /** The events of {@code type} of one session, in log order. */
    public static List<JsonNode> ofSession(EvidenceLog log, String type, String session) throws IOException {
        return TestGateway.eventsOfType(log, type).stream().filter(event -> event.path("session").asText().equals(session))
                .toList();
    }
}
