package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A masked caller whose policy lets it reach the server's files (a rule allowing {@code
 * dangerous_admin}, and an account with MariaDB's {@code FILE} privilege, as for a team that loads
 * exports), with the real {@code mariadb} client: a file of the server may hold protected values in
 * clear (an unmasked colleague's {@code INTO OUTFILE} export), and {@code LOAD DATA INFILE} or
 * {@code LOAD XML INFILE} moves them into a table no rule protects, where the caller reads them
 * back. {@code LOAD_FILE} in any expression and {@code INTO OUTFILE}/{@code DUMPFILE} are refused too.
 */
class MysqlServerFilesThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: customers.name, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [shop]
                exceptGroups: [admins]
                mask: personal-data
              - name: load-exports
                connections: [shop]
                classes: [dangerous_admin]
                action: allow
            """;

    /** A name has no shape a content detector finds: only its column's rule masks it. */
    private static final String NAME = "Ada Lovelace";

    private static MysqlGatewayFixture mysql;
    private static String export;
    private static Path xml;

    @BeforeAll
    static void start() throws IOException {
        export = "/tmp/tg-msf-export-" + System.nanoTime() + ".tsv";
        xml = Files.createTempFile("tg-msf-export", ".xml");
        Files.writeString(xml, "<resultset><row><field name=\"v\">" + NAME + "</field></row></resultset>\n");
        mysql = MysqlGatewayFixture.start(POLICY,
                "CREATE TABLE IF NOT EXISTS shop.msf_loot (v varchar(200))", "DELETE FROM shop.msf_loot",
                "SELECT name FROM shop.customers INTO OUTFILE '" + export + "'",
                "GRANT FILE ON *.* TO " + TestMariaDb.NATIVE_USER + "@'%'");
    }

    @AfterAll
    static void stop() throws IOException {
        mysql.mariadb.sql("REVOKE FILE ON *.* FROM " + TestMariaDb.NATIVE_USER + "@'%'");
        mysql.close();
        Files.deleteIfExists(xml);
    }

    @Test
    void aServerFileIsNotLoadedIntoATableTheCallerReads() throws Exception {
        for (String load : List.of("LOAD DATA INFILE '" + export + "' INTO TABLE msf_loot",
                "LOAD DATA LOW_PRIORITY INFILE '" + export + "' IGNORE INTO TABLE shop.msf_loot (v)",
                "LOAD DATA CONCURRENT INFILE '" + export + "' REPLACE INTO TABLE msf_loot",
                "/*!LOAD DATA INFILE '" + export + "' INTO TABLE msf_loot*/",
                "LOAD XML INFILE '" + xml + "' INTO TABLE msf_loot ROWS IDENTIFIED BY '<row>'")) {
            String answer = alice(load);
            assertThat(alice("SELECT v FROM msf_loot")).as("what " + load + " loaded").doesNotContain(NAME);
            assertThat(answer).as(load).contains("blocked by policy rule mask-personal-data");
            assertThat(mysql.mariadb.query("SELECT count(*) FROM shop.msf_loot").strip()).as("rows loaded by " + load)
                    .isEqualTo("0");
        }
    }

    @Test
    void filesReadOrWrittenByAnExpressionAreRefused() throws Exception {
        for (String sql : List.of("SELECT LOAD_FILE('" + export + "')", "SELECT `load_file` ('" + export + "')",
                "SELECT REVERSE(LOAD_FILE('" + export + "'))", "SELECT 1 FROM customers WHERE LOAD_FILE('" + export + "') IS NOT NULL",
                "INSERT INTO msf_loot VALUES (LOAD_FILE('" + export + "'))",
                "SELECT /*!LOAD_FILE*/('" + export + "')",
                "SELECT name FROM customers INTO OUTFILE '" + export + ".again'",
                "SELECT name FROM customers INTO DUMPFILE '" + export + ".again'",
                "SELECT name FROM customers INTO/**/OUTFILE '" + export + ".again'")) {
            String answer = alice(sql);
            assertThat(answer).as(sql).contains("blocked by policy rule mask-personal-data")
                    .doesNotContain(NAME);
        }
        assertThat(mysql.mariadb.query("SELECT count(*) FROM shop.msf_loot").strip()).isEqualTo("0");
    }

    private static String alice(String sql) throws Exception {
        return mysql.mariadbClient(TestGateway.ALICE_TOKEN, sql);
    }
}
