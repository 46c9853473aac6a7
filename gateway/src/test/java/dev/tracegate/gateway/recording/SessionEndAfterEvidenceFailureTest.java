package dev.tracegate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command whose own event could not be written was never forwarded (the write-ahead rule; the
 * client was told SQLSTATE 58000). When the shared store comes back before the session's end is
 * recorded, that end must not close the command as {@code unanswered, it may have run}: the log
 * does not hold the command, and a result for it would claim a command that never ran and is not
 * there. A command that was written and then cut off still gets its {@code unanswered} end.
 */
class SessionEndAfterEvidenceFailureTest {

    private static final Identity ADA = new Identity("tracegate", "apikey:ada", "Ada", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void aCommandWhoseEventFailedGetsNoEndAndOneThatWasWrittenDoes() throws Exception {
        Path data = Files.createDirectories(dir.resolve("store-data"));
        EmbeddedPostgres storeDb = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        int port = storeDb.getPort();
        Path password = Files.writeString(dir.resolve("store-password"), "unused-with-trust");
        StoreConfig config = new StoreConfig("postgresql", null, "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "postgres", SecretReference.of("file:" + password));
        String session = UUID.randomUUID().toString();
        try (Store store = Store.open(config, dir.resolve("node"));
             EvidenceLog log = new EvidenceLog(store, null, false)) {
            SessionRecorder recorder = new SessionRecorder(log, new SessionInfo(session, ADA, "127.0.0.1:5000",
                    new EvidenceEvent.Resource("app", "postgres", "db:5432"), null, null));
            recorder.opened(null);
            EvidenceLog.awaitDurable(recorder.command(command(1, "SELECT 1")));
            recorder.result(new ResultRecord(1, "ok", List.of("SELECT 1"), 1, 10, null, null));
            // Written, forwarded, and its answer never came: the end says it may have run.
            EvidenceLog.awaitDurable(recorder.command(command(2, "SELECT pg_sleep(60)")));

            storeDb.close();
            assertThatThrownBy(() -> EvidenceLog.awaitDurable(recorder.command(command(3, "DELETE FROM orders"))))
                    .isInstanceOf(EvidenceLogUnavailableException.class);
            storeDb = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
            Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).ignoreExceptions()
                    .until(() -> log.appendDurably(probe()) >= 0);

            recorder.closed("evidence log unavailable");
            log.awaitStored();
            List<JsonNode> events = new SessionQueries(log).events(session);
            assertThat(seqs(events, "command")).as("the refused command is not in the log").containsExactly(1L, 2L);
            assertThat(seqs(events, "command.result")).as("no end for a command the log does not hold")
                    .containsExactly(1L, 2L);
            JsonNode cutOff = events.stream().filter(e -> e.path("type").asText().equals("command.result"))
                    .filter(e -> e.path("detail").path("seq").asLong() == 2).findFirst().orElseThrow();
            assertThat(cutOff.path("detail").path("status").asText()).isEqualTo("unanswered");
            assertThat(events.getLast().path("type").asText()).isEqualTo("session.close");
        } finally {
            storeDb.close();
        }
    }

    private static CommandRecord command(long seq, String text) {
        return new CommandRecord(seq, "Query", text, null, List.of(), null, "read", null);
    }

    /** An event of no session, written once the store is back. */
    private static EvidenceEvent probe() {
        var detail = EvidenceEvent.newDetail();
        detail.put("note", "the store is back");
        return new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, ADA, null, null, null, detail);
    }

    private static List<Long> seqs(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type))
                .map(e -> e.path("detail").path("seq").asLong()).toList();
    }
}
