package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A masked caller reading through MariaDB views with the real {@code mariadb} client: the gateway
 * traces each view's stored definition ({@code information_schema.VIEWS}) to the stored columns its
 * columns pass through, so the caller gets exactly what it gets from the table itself, through
 * nested views, aliases, other schemas and renames; a view column computed from a protected column
 * (an expression, a UNION) is refused, and so is a view whose definition the gateway cannot read.
 */
class MysqlViewsThroughGatewayTest {

    private static final String BY_TABLE = "SELECT id, email, card_number FROM customers WHERE id <= 2 ORDER BY id";

    private static TestMariaDb mariadb;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mariadb = TestMariaDb.get();
        mariadb.sql("CREATE DATABASE IF NOT EXISTS crm", "GRANT ALL ON crm.* TO " + TestMariaDb.NATIVE_USER + "@'%'",
                "CREATE OR REPLACE VIEW shop.customer_contacts AS SELECT id, email AS contact, card_number FROM shop.customers",
                "CREATE OR REPLACE VIEW shop.contact_cards AS SELECT id AS ident, contact AS reach, card_number AS pan"
                        + " FROM shop.customer_contacts",
                "CREATE OR REPLACE VIEW crm.people AS SELECT c.ident AS person, c.reach AS mail, c.pan AS card"
                        + " FROM shop.contact_cards c",
                "CREATE OR REPLACE VIEW shop.shouted AS SELECT id, ucase(email) AS loud FROM shop.customers",
                "CREATE OR REPLACE VIEW shop.all_names AS SELECT id, name AS who FROM shop.customers"
                        + " UNION SELECT id, email FROM shop.customers",
                "CREATE OR REPLACE VIEW crm.mail_lengths AS SELECT p.person, length(p.mail) AS size FROM crm.people p");
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), MysqlThroughGatewayTest.POLICY,
                4 * 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aColumnPassedThroughViewsIsMaskedAsTheStoredColumn() throws Exception {
        String masked = alice(BY_TABLE);
        assertThat(masked).doesNotContain(TestMariaDb.EMAIL, TestMariaDb.CARD, "grace@example.org").contains("@", "1111");
        for (String query : List.of("SELECT id, contact, card_number FROM customer_contacts WHERE id <= 2 ORDER BY id",
                "SELECT ident, reach, pan FROM contact_cards WHERE ident <= 2 ORDER BY ident",
                "SELECT `ident`, `Reach`, `pan` FROM `shop`.`contact_cards` AS `v` WHERE `v`.ident <= 2 ORDER BY 1",
                "SELECT p.person, p.mail, p.card FROM crm.people p WHERE person <= 2 ORDER BY person",
                "SELECT * FROM crm.people WHERE person <= 2 ORDER BY 1",
                "SELECT person, mail, card FROM crm.people WHERE person <= 2 ORDER BY 1")) {
            assertThat(alice(query)).as(query).isEqualTo(masked);
        }
        assertThat(admin("SELECT mail FROM crm.people WHERE person = 1")).as("admins are exempt").isEqualTo(TestMariaDb.EMAIL);
    }

    @Test
    void aColumnPassedThroughADerivedTableOrWithQueryIsWithheld() throws Exception {
        // MariaDB names such a column by the derived table's alias, not by the table it came from:
        // nothing says which rule masks it, so a masked caller gets NULL, never the stored value.
        for (String query : List.of("SELECT x FROM (SELECT loyalty_points AS x FROM customers WHERE id = 1) t",
                "WITH w AS (SELECT loyalty_points AS y FROM customers WHERE id = 1) SELECT y FROM w",
                "SELECT pan FROM (SELECT pan FROM contact_cards WHERE ident = 1) d")) {
            assertThat(alice(query)).as(query).isEqualTo("NULL");
        }
        assertThat(alice("SELECT n FROM (SELECT count(*) AS n FROM scratch) t")).as("nothing protected is read").isEqualTo("0");
        // An alias that names another relation would make the column look like one of its columns.
        for (String query : List.of("SELECT reach FROM contact_cards AS customers WHERE ident = 1",
                "SELECT id FROM (SELECT loyalty_points AS id FROM customers) customers",
                "WITH customers AS (SELECT loyalty_points AS id FROM shop.customers) SELECT id FROM customers")) {
            assertThat(alice(query)).as(query).contains("ERROR 1227").doesNotContain("1815").doesNotContain(TestMariaDb.EMAIL);
        }
    }

    @Test
    void aViewInAnotherSchemaIsNotTakenForATableOfTheSameName() throws Exception {
        // MariaDB reports a view's column with the schema of the table underneath (shop), so crm.customers
        // would read as shop.customers, whose "id" column no rule masks.
        mariadb.sql("CREATE OR REPLACE VIEW crm.customers AS SELECT loyalty_points AS id, email AS name FROM shop.customers");
        String output = alice("SELECT id, name FROM crm.customers ORDER BY id");
        assertThat(output).doesNotContain("1815").doesNotContain(TestMariaDb.EMAIL);
        assertThat(admin("SELECT id FROM crm.customers WHERE name = '" + TestMariaDb.EMAIL + "'")).isEqualTo("1815");
    }

    @Test
    void aViewColumnComputedFromAProtectedColumnIsRefused() throws Exception {
        for (String query : List.of("SELECT loud FROM shouted", "SELECT who FROM all_names",
                "SELECT size FROM crm.mail_lengths", "SELECT reverse(mail) FROM crm.people",
                "SELECT concat(reach, '') FROM contact_cards")) {
            assertThat(alice(query)).as(query).contains("ERROR 1227").contains("blocked by policy rule mask-personal-data")
                    .doesNotContain(TestMariaDb.EMAIL).doesNotContain("ADA.LOVELACE");
        }
        assertThat(alice("SELECT count(*) FROM shouted")).isEqualTo("3");
    }

    @Test
    void aViewRenamedAfterTheSnapshotIsTracedUnderItsNewName() throws Exception {
        mariadb.sql("CREATE OR REPLACE VIEW shop.before_rename AS SELECT id, email AS e, card_number AS c FROM shop.customers");
        String masked = alice(BY_TABLE);
        assertThat(alice("SELECT id, e, c FROM before_rename WHERE id <= 2 ORDER BY id")).isEqualTo(masked);
        // Renamed on the server directly: the snapshot the gateway holds does not know the new name.
        mariadb.sql("DROP VIEW IF EXISTS shop.after_rename", "RENAME TABLE shop.before_rename TO shop.after_rename");
        assertThat(alice("SELECT id, e, c FROM after_rename WHERE id <= 2 ORDER BY id")).isEqualTo(masked);
    }

    @Test
    void aViewWhoseDefinitionTheGatewayCannotReadIsRefused() throws Exception {
        // The gateway's account may read the view but not its definition (no SHOW VIEW): MariaDB
        // shows it an empty VIEW_DEFINITION, and nothing says where the view's columns come from.
        mariadb.sql("CREATE DATABASE IF NOT EXISTS hr",
                "CREATE OR REPLACE SQL SECURITY DEFINER VIEW hr.staff_mail AS SELECT id, email AS m FROM shop.customers",
                "GRANT SELECT ON hr.staff_mail TO " + TestMariaDb.NATIVE_USER + "@'%'");
        String output = alice("SELECT m FROM hr.staff_mail WHERE id = 1");
        assertThat(output).doesNotContain(TestMariaDb.EMAIL).contains("ERROR 1227");
        assertThat(admin("SELECT m FROM hr.staff_mail WHERE id = 1")).isEqualTo(TestMariaDb.EMAIL);
    }

    private static String alice(String sql) throws Exception {
        return mariadbCli(TestGateway.ALICE_TOKEN, sql);
    }

    private static String admin(String sql) throws Exception {
        return mariadbCli(TestGateway.ADMIN_TOKEN, sql);
    }

    /** The real {@code mariadb} client through the gateway: its rows, tab-separated, or its error. */
    private static String mariadbCli(String token, String sql) throws Exception {
        Process cli = new ProcessBuilder("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
                Integer.toString(gateway.gateway().port(MysqlEngine.PROTOCOL)), "--ssl", "-u", "analyst", "-p" + token, "-A",
                "shop", "-N", "-B", "-e", sql).redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.strip();
    }
}
