package dev.tracegate.ledger.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.MemoryTree;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event times that run out of order, or ahead of the export, in bundles signed by the log's own
 * key: what a gateway whose clocks disagree writes, or a forger holding the key. They verify (no
 * one changed them after signing), and the verdict says how the times run.
 */
class EventTimeOrderTest {
    private static final Instant EXPORTED = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    private final LogKeyPair key = LogKeyPair.generate(LogFixture.ORIGIN);
    private int made;

    @Test
    void timesInOrderVerifyWithTheClockStepsTheGatewayAnnounced() throws IOException {
        VerificationReport report = verify(List.of(
                event("session.open", "2026-12-05T09:00:00.000000Z"),
                event("command", "2026-12-05T09:00:00.000000Z"),
                clockStep("2026-12-05T09:00:01.000000Z", 3_600_000),
                event("command.result", "2026-12-05T09:00:01.000200Z")), Optional.of(EXPORTED));

        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.summary()).doesNotContain("WARNING");
        assertThat(report.results()).contains("times: no event is earlier than an event before it, none later than when the export"
                + " signed its checkpoint; 1 clock step(s) announced by the gateway (clock.stepped, the first at event index 2, the"
                + " wall clock back by up to 3600.000 s; the events after one carry the log's own time until the wall clock caught up)");
    }

    @Test
    void timesThatGoBackASecondOrMoreAreWarnedOfOnTheVerdict() throws IOException {
        VerificationReport report = verify(List.of(
                event("session.open", "2026-12-05T09:00:10.000000Z"),
                event("command", "2026-12-05T09:00:10.500000Z"),
                event("command", "2026-12-05T09:00:10.498000Z"),
                event("command", "2026-12-05T09:00:05.500000Z"),
                event("command.result", "2026-12-05T09:00:11.000000Z")), Optional.empty());

        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.summary()).startsWith("VERIFIED 5 event(s)").contains("; WARNING: event times go back: 1 event(s) a second or"
                + " more earlier than an event before them (the furthest, event index 3, 5.000 s back)");
        assertThat(report.results()).contains("times: 2 event(s) earlier than an event before them, by at most 5.000 s (event index 3);"
                + " no clock step announced");
    }

    @Test
    void aBackStepUnderASecondIsCountedButNotWarnedOf() throws IOException {
        // Two gateway nodes sharing a PostgreSQL store seal their batches in turn, each in its own time order.
        VerificationReport report = verify(List.of(
                event("command", "2026-12-05T09:00:10.500000Z"),
                event("command", "2026-12-05T09:00:10.498000Z")), Optional.of(EXPORTED));

        assertThat(report.summary()).startsWith("VERIFIED").doesNotContain("WARNING");
        assertThat(report.results()).anyMatch(line -> line.startsWith("times: 1 event(s) earlier than an event before them, by at most 0.002 s"));
    }

    @Test
    void timesAheadOfTheExportAreWarnedOf() throws IOException {
        VerificationReport report = verify(List.of(
                event("session.open", "2026-12-05T09:00:00.000000Z"),
                event("command", "2026-12-05T11:00:00.000000Z")), Optional.of(EXPORTED));

        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.summary()).contains("; WARNING: event times ahead of the export: 1 event(s) stamped a second or more after the"
                + " export signed its checkpoint (the furthest, event index 1, 3600.000 s after)");
    }

    @Test
    void anEventWithoutATimeFails() throws IOException {
        ObjectNode timeless = event("command", "2026-12-05T09:00:00.000000Z");
        timeless.remove("time");
        ObjectNode unreadable = event("command", "yesterday");
        for (ObjectNode event : List.of(timeless, unreadable)) {
            VerificationReport report = verify(List.of(event("session.open", "2026-12-05T09:00:00.000000Z"), event), Optional.empty());
            assertThat(report.summary()).startsWith("FAILED events.jsonl line 2 (event index 1): states no time");
        }
    }

    private VerificationReport verify(List<ObjectNode> events, Optional<Instant> exportedAt) throws IOException {
        Path bundle = dir.resolve("bundle-" + made++);
        MemoryTree tree = new MemoryTree();
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(bundle)) {
            for (int index = 0; index < events.size(); index++) {
                byte[] bytes = Jcs.canonicalize(events.get(index).put("index", index));
                tree.appendLeaf(bytes);
                writer.addEvent(bytes);
            }
            ObjectNode selection = JsonNodeFactory.instance.objectNode().put("export", "all");
            writer.finish(key.signer().sign(new Checkpoint(LogFixture.ORIGIN, tree.size(), tree.rootAt(tree.size()))), key.signer(),
                    exportedAt.map(at -> ManifestNote.stating(selection, at)).orElse(selection), staged -> Map.of());
        }
        return BundleVerifier.verify(bundle, Optional.of(key.verifierKey()));
    }

    private static ObjectNode event(String type, String time) {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("v", 1).put("time", time).put("type", type).put("session", "s-1");
        event.putObject("actor").put("sub", "alice").put("iss", "https://idp.example.com");
        event.putObject("detail");
        return event;
    }

    private static ObjectNode clockStep(String time, long steppedBackMillis) {
        ObjectNode event = event("clock.stepped", time);
        ((ObjectNode) event.get("detail")).put("stepped_back_ms", steppedBackMillis);
        return event;
    }
}
