package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.bundle.BundleVerifier;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event's recorded time has microseconds; the clock that stamps it has nanoseconds. A filtered
 * export narrowed by the query index picks chunks by their events' times, so those must be the
 * times the events record: an event recorded at 00:59:59.999999, stamped at .9999997, belongs to
 * an export "before 01:00:00", whatever the store does with the nanoseconds. And an export whose
 * selection holds no event is a signed empty bundle.
 */
class ExportTimeBoundaryTest {

    private static final Identity AUDITED = new Identity("tracegate", "apikey:boundary", "boundary", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void anEventRecordedJustBeforeTheEndOfAFilteredExportIsInIt() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            EvidenceLog log = gateway.gateway().evidence();
            ObjectNode detail = EvidenceEvent.newDetail().put("action", "the last thing before the hour");
            Instant stamped = Instant.parse("2030-01-01T00:59:59.999999700Z");
            EvidenceLog.awaitDurable(log.append(new EvidenceEvent(stamped, EventType.ADMIN_ACTION, AUDITED, null, null, null, detail)));
            log.awaitStored();

            Path bundle = dir.resolve("hour.zip");
            ExportFilter hour = new ExportFilter(Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-01T01:00:00Z"),
                    AUDITED.subject(), null, null, null);
            EvidenceExporter.Summary summary = new EvidenceExporter(log, gateway.gateway().checkpoints()).export(hour, bundle);

            assertThat(summary.events()).as("events of %s in the hour", AUDITED.subject()).isEqualTo(1);
            try (ZipFile zip = new ZipFile(bundle.toFile())) {
                String events = new String(zip.getInputStream(zip.getEntry("events.jsonl")).readAllBytes());
                assertThat(events).contains("\"time\":\"2030-01-01T00:59:59.999999Z\"");
            }
            assertThat(BundleVerifier.verify(bundle, Optional.of(gateway.gateway().checkpoints().verifierKey())).ok()).isTrue();

            // A selection that holds no event is an empty signed bundle, not a failed export.
            Path none = dir.resolve("none.zip");
            ExportFilter nobody = new ExportFilter(null, null, "apikey:nobody", null, null, null);
            assertThat(new EvidenceExporter(log, gateway.gateway().checkpoints()).export(nobody, none).events()).isZero();
            var verified = BundleVerifier.verify(none, Optional.of(gateway.gateway().checkpoints().verifierKey()));
            assertThat(verified.ok()).as(verified.summary()).isTrue();
            assertThat(verified.results()).anyMatch(line -> line.endsWith("{\"export\":\"filtered\",\"user\":\"apikey:nobody\"}"));
        }
    }
}
