package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.ComSetOption;
import dev.tracegate.wire.mysql.CommandType;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-ahead, fail closed, on the MySQL listener: when the evidence store fails, a command whose
 * {@code command} event cannot be made durable is not forwarded, the caller is told why in an ERR
 * packet and its session ends. A query, a COM_RESET_CONNECTION and a COM_SET_OPTION, each on a
 * session opened while the store was up.
 */
class MysqlEvidenceFailClosedTest {

    @TempDir
    Path dir;

    @Test
    void commandsAreRefusedAndSessionsEndWhenTheStoreFails() throws Exception {
        TestMariaDb mariadb = TestMariaDb.get();
        mariadb.sql("CREATE TABLE IF NOT EXISTS shop.fail_closed (id int)", "DELETE FROM shop.fail_closed");
        EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start();
        try (Gateway gateway = Gateway.start(config(mariadb, storeDb));
             RawMysqlClient querying = new RawMysqlClient(gateway.port(MysqlEngine.PROTOCOL));
             RawMysqlClient resetting = new RawMysqlClient(gateway.port(MysqlEngine.PROTOCOL));
             RawMysqlClient setting = new RawMysqlClient(gateway.port(MysqlEngine.PROTOCOL))) {
            assertThat(querying.login(TestGateway.ALICE_TOKEN, "shop").isOk()).isTrue();
            assertThat(resetting.login(TestGateway.ALICE_TOKEN, "shop").isOk()).isTrue();
            assertThat(setting.login(TestGateway.ALICE_TOKEN, "shop").isOk()).isTrue();
            querying.send(0, new ComQuery("INSERT INTO fail_closed VALUES (41)").encode());
            assertThat(querying.read().isOk()).as("recorded while the store is up").isTrue();

            storeDb.close();

            querying.send(0, new ComQuery("INSERT INTO fail_closed VALUES (42)").encode());
            assertRefused(querying.read());
            assertThat(querying.read()).as("the session ends").isNull();
            resetting.send(0, CommandType.RESET_CONNECTION.encode());
            assertRefused(resetting.read());
            assertThat(resetting.read()).as("the session ends").isNull();
            setting.send(0, new ComSetOption(ComSetOption.MULTI_STATEMENTS_OFF).encode());
            assertRefused(setting.read());
            assertThat(setting.read()).as("the session ends").isNull();
        }
        assertThat(mariadb.query("SELECT id FROM shop.fail_closed").strip())
                .as("the unrecorded insert never ran").isEqualTo("41");
    }

    private static void assertRefused(MysqlPacket packet) throws Exception {
        assertThat(packet.isErr()).isTrue();
        assertThat(ErrPacket.decode(packet.payload()).message())
                .isEqualTo("command not executed: the evidence log is unavailable; the session is closed");
    }

    private GatewayConfig config(TestMariaDb mariadb, EmbeddedPostgres storeDb) throws Exception {
        Path token = dir.resolve("alice");
        Files.writeString(token, TestGateway.ALICE_TOKEN);
        Path storePassword = dir.resolve("store-password");
        Files.writeString(storePassword, "unused-with-trust");
        StoreConfig store = new StoreConfig("postgresql", null, "jdbc:postgresql://127.0.0.1:" + storeDb.getPort()
                + "/postgres", "postgres", SecretReference.of("file:" + storePassword));
        ListenerConfig any = new ListenerConfig("127.0.0.1", 0, false);
        return new GatewayConfig(dir.resolve("gateway").toString(), new ListenersConfig(any, any, any, any, any), null, store,
                new EvidenceConfig("tracegate.test/mysql-fail-closed", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("alice", SecretReference.of("file:" + token), List.of(), "human",
                        null))),
                List.copyOf(MysqlThroughGatewayTest.connections(mariadb)), 0, null, null);
    }
}
