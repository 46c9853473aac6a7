package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.gateway.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel reaches the server only once it is recorded in the session it cancels: not when the
 * evidence store cannot confirm its record (the statement then runs on), and never after the
 * session's end has begun to be recorded. Over a real PostgreSQL evidence store that goes away.
 */
class SessionCancelsTest {

    private static final Identity ADA = new Identity("tracegate", "apikey:ada", "Ada", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void aCancelTheLogCannotRecordIsNotForwardedAndNoneIsAfterTheSessionsEnd() throws Exception {
        EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start();
        Path password = Files.writeString(dir.resolve("store-password"), "unused-with-trust");
        StoreConfig config = new StoreConfig("postgresql", null, "jdbc:postgresql://127.0.0.1:" + storeDb.getPort()
                + "/postgres", "postgres", SecretReference.of("file:" + password));
        String session = UUID.randomUUID().toString();
        AtomicInteger sent = new AtomicInteger();
        try (Store store = Store.open(config, dir.resolve("node"));
             EvidenceLog log = new EvidenceLog(store, null, false)) {
            SessionRecorder recorder = new SessionRecorder(log, new SessionInfo(session, ADA, "127.0.0.1:5000",
                    new EvidenceEvent.Resource("app", "postgres", "db:5432"), null, null));
            recorder.opened(null);
            SessionCancels cancels = new SessionCancels(recorder, new AtomicLong());
            assertThat(cancels.forward("127.0.0.1:6000", () -> count(sent))).isTrue();
            log.awaitStored();
            List<JsonNode> events = new SessionQueries(log).events(session);
            assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("session.open", "command",
                    "command.result");
            assertThat(events.get(1).path("detail").path("text").asText()).isEqualTo("CancelRequest (from 127.0.0.1:6000)");

            cancels.end();
            assertThat(cancels.forward("127.0.0.1:6001", () -> count(sent))).as("after the session's end").isFalse();

            storeDb.close();
            storeDb = null;
            SessionCancels later = new SessionCancels(recorder, new AtomicLong(1));
            assertThat(later.forward("127.0.0.1:6002", () -> count(sent))).as("the log cannot confirm it").isFalse();
            assertThat(sent).as("only the recorded cancel reached the server").hasValue(1);
        } finally {
            if (storeDb != null) {
                storeDb.close();
            }
        }
    }

    private static Optional<String> count(AtomicInteger sent) {
        sent.incrementAndGet();
        return Optional.empty();
    }
}
