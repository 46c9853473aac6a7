package dev.tracegate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.MaskingSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code masking.applied} event's counts, written straight into the event, hold exactly what
 * the summary's {@link MaskingSummary#toEventData() event data} says: every location, entity,
 * count and fallback, as the events written before did through a JSON tree.
 */
class MaskingAppliedDetailTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theRecordedSummaryIsTheSummarysEventData() throws Exception {
        MaskingReport report = new MaskingReport();
        report.count("response.body:$.items[*].email", "EMAIL", 3);
        report.count("response.body:$.items[*].card", "CARD", 2);
        report.count("request.body:$.user.phone", "PHONE", 1);
        report.fallback("response.body", FallbackReason.UNMASKABLE, FallbackAction.PASS);
        MaskingSummary summary = report.snapshot();
        try (Store store = Store.open(new StoreConfig(null, null, null, null, null), dir);
             EvidenceLog log = new EvidenceLog(store, dir.resolve("journal"), false)) {
            String session = UUID.randomUUID().toString();
            SessionRecorder recorder = new SessionRecorder(log, new SessionInfo(session,
                    new Identity("tracegate", "apikey:ada", "Ada", null, List.of(), "human"), "127.0.0.1:5000",
                    new EvidenceEvent.Resource("svc", "http", "http://svc"), null, null));
            recorder.opened(null);
            recorder.result(new ResultRecord(1, "ok", List.of("HTTP 200"), 0, 10, null, null),
                    new ResultEvidence(null, 0, false, new ResultEvidence.MaskingApplied("mask", "personal-data", summary),
                            null, null, null));
            EvidenceLog.awaitDurable(recorder.resultToAwait(new ResultRecord(2, "ok", List.of("HTTP 200"), 0, 10, null, null),
                    null));
            List<JsonNode> events = new SessionQueries(log).events(session);
            JsonNode applied = events.stream().filter(e -> e.path("type").asText().equals("masking.applied")).findFirst()
                    .orElseThrow().path("detail");
            ObjectNode expected = (ObjectNode) JSON.valueToTree(summary.toEventData());
            expected.put("seq", 1).put("applied_to", "client").put("rule", "mask").put("profile", "personal-data");
            assertThat(applied).isEqualTo(JSON.readTree(expected.toString()));
            assertThat(applied.path("found").path("response.body:$.items[*].email").path("EMAIL").asLong()).isEqualTo(3);
            assertThat(applied.path("fallbacks").path(0).path("action").asText()).isEqualTo("PASS");
        }
    }
}
