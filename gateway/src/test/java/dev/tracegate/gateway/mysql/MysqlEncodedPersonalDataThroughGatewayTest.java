package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A masked caller writing personal data out as MariaDB encodes it, with the real {@code mariadb}
 * client: {@code HEX()} and {@code TO_BASE64()} of the text in another character set (UTF-16,
 * UCS-2, UTF-32, Latin-1), with a NUL in front or a digit more around it, of a literal and of a
 * text column that names no personal data (content-scanned, free to compute on), and with a hex
 * digit or Base64 characters written before or after it, which shift its bytes. Each reaches the
 * caller as the placeholder, never as digits anyone decodes.
 */
class MysqlEncodedPersonalDataThroughGatewayTest {

    private static final String EMAIL = "ada.lovelace@example.com";

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(MysqlThroughGatewayTest.POLICY,
                "CREATE TABLE IF NOT EXISTS shop.memos (id int PRIMARY KEY, memo varchar(200))",
                "REPLACE INTO shop.memos VALUES (1, '" + EMAIL + "')");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void personalDataEncodedAmongStrayBytesIsMasked() throws Exception {
        for (String x : List.of("'" + EMAIL + "'", "memo")) {
            for (String expression : List.of("HEX(CONVERT(%s USING utf16))", "HEX(CONVERT(%s USING utf16le))",
                    "TO_BASE64(CONVERT(%s USING utf16le))", "TO_BASE64(CONVERT(%s USING utf16))",
                    "HEX(CONCAT(0x00, %s))", "TO_BASE64(CONCAT(CHAR(0), %s))", "HEX(CONVERT(%s USING latin1))",
                    "HEX(%s)", "TO_BASE64(%s)", "HEX(CONVERT(%s USING ucs2))", "HEX(CONVERT(%s USING utf32))",
                    "TO_BASE64(CONVERT(%s USING utf32))", "TO_BASE64(CONVERT(%s USING ucs2))",
                    "HEX(CONCAT(CONVERT(%s USING latin1), 0xe9))", "HEX(CONCAT(0xff, CONVERT(%s USING utf16), 0xff))",
                    "CONCAT(HEX(%s), 'F')", "CONCAT('F', HEX(%s))", "CONCAT('F', HEX(%s), 'F')",
                    "CONCAT('Code ', HEX(CONVERT(%s USING utf16)), 'A')",
                    "CONCAT('A', TO_BASE64(%s))", "CONCAT(TO_BASE64(%s), 'A')", "CONCAT('AB', TO_BASE64(%s))", "CONCAT('ABC', TO_BASE64(%s))",
                    "CONCAT('Q', TO_BASE64(CONVERT(%s USING utf16)))", "LOWER(HEX(CONVERT(%s USING utf32)))")) {
                String sql = "SELECT " + expression.formatted(x) + " FROM memos WHERE id = 1";
                assertThat(alice(sql)).as(sql).isEqualTo(expression.startsWith("CONCAT('Code ") ? "Code [EMAIL]" : "[EMAIL]");
            }
        }
    }

    private static String alice(String sql) throws Exception {
        return mysql.mariadbClient(TestGateway.ALICE_TOKEN, sql);
    }
}
