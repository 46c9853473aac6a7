package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.SignedNote;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every signed checkpoint also leaves the gateway: to a directory and to an HTTP endpoint. */
class CheckpointSinksTest {

    @Test
    void checkpointsArePublishedOutsideTheStore(@TempDir Path dir) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer witness = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        witness.createContext("/checkpoints", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        witness.start();
        try {
            Path published = dir.resolve("published");
            GatewayConfig config = new GatewayConfig(dir.resolve("data").toString(),
                    new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false)),
                    null, null, new EvidenceConfig("tracegate.test/sinks", null, 0, published.toString(), false, 0,
                    "http://127.0.0.1:" + witness.getAddress().getPort() + "/checkpoints"),
                    null, List.of(), 0, null, null);
            try (Gateway gateway = Gateway.start(config)) {
                gateway.evidence().appendDurably(new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION,
                        new Identity("tracegate", "tester", null, null, List.of(), "human"), null, null, null, null));
                String note = gateway.checkpoints().signNow().note();
                assertThat(Files.readString(published.resolve("latest"))).isEqualTo(note);
                // The gateway's start (gateway.started) and the event above.
                assertThat(Files.readString(published.resolve("checkpoint-000000000002"))).isEqualTo(note);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.contains(note));
                Checkpoint checkpoint = SignedNote.verify(note, gateway.checkpoints().verifierKey());
                assertThat(checkpoint.size()).isEqualTo(2);
                assertThat(checkpoint.origin()).isEqualTo("tracegate.test/sinks");
            }
        } finally {
            witness.stop(0);
        }
    }
}
