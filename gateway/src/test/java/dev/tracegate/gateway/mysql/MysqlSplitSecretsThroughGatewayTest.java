package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A secret a MariaDB result splits across a row's columns, or a key read without its header row, with the real
 * {@code mariadb} client: each cell was scanned alone, so before 2026-12-06 a JWT as header, payload and signature
 * columns, a GitHub token cut in two, a settings table's password next to its name and a private key's lines after
 * {@code LIMIT 1, 10} reached a masked caller in clear.
 */
class MysqlSplitSecretsThroughGatewayTest {

    private static final String HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    private static final String PAYLOAD = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
    private static final String SIGNATURE = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    private static final String TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    private static final String LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(MysqlThroughGatewayTest.POLICY,
                "CREATE TABLE IF NOT EXISTS shop.split_parts (id int PRIMARY KEY, a varchar(200), b varchar(200), c varchar(200))",
                "REPLACE INTO shop.split_parts VALUES (1, '" + HEADER + "', '" + PAYLOAD + "', '" + SIGNATURE + "'),"
                        + " (2, '" + TOKEN.substring(0, 18) + "', '" + TOKEN.substring(18) + "', 'ci'), (3, 'order', 'paid', 'shipped')",
                "CREATE TABLE IF NOT EXISTS shop.app_settings (id int PRIMARY KEY, name varchar(100), value varchar(100))",
                "REPLACE INTO shop.app_settings VALUES (1, 'smtp_password', 'hunter2hunter2'), (2, 'channel', 'email')",
                "CREATE TABLE IF NOT EXISTS shop.key_file (n int PRIMARY KEY, line varchar(100))",
                "REPLACE INTO shop.key_file VALUES (0, '-----BEGIN PRIVATE KEY-----'), (1, '" + LINE + "'), (2, '" + LINE
                        + "'), (3, 'AB12=='), (4, '-----END PRIVATE KEY-----')",
                "CREATE TABLE IF NOT EXISTS shop.split_values (id int PRIMARY KEY, a varchar(100), b varchar(100), c varchar(100))",
                "REPLACE INTO shop.split_values VALUES (1, 'ada.lovelace@', 'example.com', 'primary'),"
                        + " (2, 'grace', '@', 'example.org'), (3, '4111 1111', '1111 1111', 'visa'), (4, 'ops', '@team', 'paid')");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void aSecretSplitAcrossAMariaDbRowsColumnsIsMaskedInEachColumn() throws Exception {
        String parts = alice("SELECT a, b, c FROM split_parts ORDER BY id");
        assertThat(parts).doesNotContain(PAYLOAD.substring(3, 20), SIGNATURE.substring(0, 10), TOKEN.substring(4, 18),
                TOKEN.substring(18, 30)).contains("order\tpaid\tshipped");
        assertThat(alice("SELECT name, value FROM app_settings ORDER BY id")).doesNotContain("hunter2").contains("channel\temail");
    }

    /** Before 2026-12-06 an address cut at its {@code @} and a card's groups in two columns reached a masked caller in clear. */
    @Test
    void anAddressOrACardSplitAcrossAMariaDbRowsColumnsIsMaskedInEachColumn() throws Exception {
        assertThat(alice("SELECT a, b, c FROM split_values ORDER BY id"))
                .doesNotContain("ada.lovelace", "example.com", "grace", "example.org", "4111 1111", "1111 1111")
                .contains("\tprimary", "ops\t@team\tpaid");
        assertThat(alice("SELECT b, id, a FROM split_values WHERE id IN (1, 3)"))
                .doesNotContain("ada.lovelace", "example.com", "4111 1111", "1111 1111");
    }

    /**
     * One value's pieces in the members of a JSON result ({@code JSON_OBJECT}, {@code JSON_ARRAYAGG}) and a password
     * read before its name: before 2026-12-07 each JSON string was scanned alone and a value-first row was not read,
     * so all of them reached a masked caller in clear.
     */
    @Test
    void piecesInAJsonResultAndAPasswordBeforeItsNameAreMasked() throws Exception {
        assertThat(alice("SELECT JSON_OBJECT('a', a, 'id', id, 'b', b, 'c', c) FROM split_values ORDER BY id"))
                .doesNotContain("ada.lovelace", "example.com", "4111 1111", "1111 1111").contains("primary", "visa");
        assertThat(alice("SELECT JSON_ARRAYAGG(x) FROM (SELECT a AS x FROM split_values WHERE id = 3"
                + " UNION ALL SELECT b FROM split_values WHERE id = 3) s")).doesNotContain("4111 1111", "1111 1111");
        assertThat(alice("SELECT value, name FROM app_settings ORDER BY id")).doesNotContain("hunter2").contains("email\tchannel");
    }

    /** An address cut at its {@code @} across two rows of one column: the local part reached a masked caller in clear before 2026-12-07. */
    @Test
    void anAddressCutAcrossTwoRowsIsMaskedWhereItIsCut() throws Exception {
        assertThat(alice("SELECT a FROM split_values WHERE id = 1 UNION ALL SELECT b FROM split_values WHERE id = 1"))
                .doesNotContain("ada.lovelace").contains("[EMAIL]", "example.com");
    }

    @Test
    void aPrivateKeyReadWithoutItsHeaderRowIsMasked() throws Exception {
        assertThat(alice("SELECT line FROM key_file ORDER BY n LIMIT 1, 10")).doesNotContain("MIIE", "AB12").contains("[SECRET]");
    }

    private static String alice(String sql) throws Exception {
        return mysql.mariadbClient(TestGateway.ALICE_TOKEN, sql);
    }
}
