package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.ComSetOption;
import dev.tracegate.wire.mysql.MysqlPacket;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * COM_SET_OPTION through the gateway to a real MariaDB: it changes how the server reads every
 * later COM_QUERY of the session (one statement, or several), so it is recorded as a command
 * before it reaches the server, with its end, like COM_RESET_CONNECTION.
 */
class MysqlSetOptionEvidenceTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(TestMariaDb.get()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void turningMultiStatementsOffAndOnIsRecordedBeforeItReachesTheServer() throws Exception {
        long from = TestGateway.leaves(gateway.gateway().evidence(), 0).size();
        try (RawMysqlClient raw = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            assertThat(raw.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            raw.send(0, new ComSetOption(ComSetOption.MULTI_STATEMENTS_OFF).encode());
            MysqlPacket off = raw.read();
            assertThat(off.isErr()).as("the server took the option").isFalse();
            raw.send(0, new ComQuery("SELECT 1; SELECT 2").encode());
            assertThat(raw.read().isErr()).as("the server reads one statement a query now: the option reached it").isTrue();
            raw.send(0, new ComSetOption(ComSetOption.MULTI_STATEMENTS_ON).encode());
            assertThat(raw.read().isErr()).isFalse();
        }
        List<JsonNode> commands = gateway.events("command", from).stream()
                .filter(e -> e.path("detail").path("message").asText().equals("COM_SET_OPTION")).toList();
        assertThat(commands).extracting(e -> e.path("detail").path("text").asText()).containsExactly(
                "COM_SET_OPTION MYSQL_OPTION_MULTI_STATEMENTS_OFF", "COM_SET_OPTION MYSQL_OPTION_MULTI_STATEMENTS_ON");
        List<JsonNode> results = gateway.events("command.result", from);
        for (JsonNode command : commands) {
            JsonNode end = results.stream().filter(r -> r.path("session").equals(command.path("session"))
                    && r.path("detail").path("seq").equals(command.path("detail").path("seq"))).findFirst().orElseThrow();
            assertThat(end.path("detail").path("status").asText()).isEqualTo("ok");
            assertThat(end.path("index").asLong()).isGreaterThan(command.path("index").asLong());
        }
    }
}
