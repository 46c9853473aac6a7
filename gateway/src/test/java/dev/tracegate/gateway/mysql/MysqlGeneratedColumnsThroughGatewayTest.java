package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DBA's generated column ({@code AS (UPPER(name)) VIRTUAL}, {@code STORED}) computes on a protected
 * column of its table, but the server names it a column of the table, which no rule covers, and a
 * name has no shape a content detector finds. With the real {@code mariadb} client, it is read as
 * computed from the columns it names: refused to a masked caller returned or tested; a generated
 * column of unprotected columns stays free. So is a column whose default computes on another
 * (MariaDB's {@code DEFAULT (CONCAT('kept: ', name))}, MySQL's {@code DEFAULT (...)}): each insert
 * stores the computed copy.
 */
class MysqlGeneratedColumnsThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: customers.name, entity: person_name, strategy: hash}
                    - {match: mgc_people.name, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [shop]
                exceptGroups: [admins]
                mask: personal-data
            """;

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY, "DROP TABLE IF EXISTS shop.mgc_people",
                "CREATE TABLE shop.mgc_people (id int PRIMARY KEY, name varchar(100),"
                        + " name_upper varchar(100) AS (UPPER(name)) VIRTUAL,"
                        + " `Name Reversed` varchar(100) AS (REVERSE(`name`)) STORED,"
                        + " id_twice int AS (id * 2) VIRTUAL,"
                        // MariaDB's default may compute on a column before it: a copy stored on every insert.
                        + " name_kept varchar(100) DEFAULT (CONCAT('kept: ', name)),"
                        + " note varchar(100) DEFAULT 'name')",
                "INSERT INTO shop.mgc_people (id, name) VALUES (1, 'Ada Lovelace')");
    }

    @AfterAll
    static void stop() {
        mysql.mariadb.sql("DROP TABLE IF EXISTS shop.mgc_people");
        mysql.close();
    }

    @Test
    void aGeneratedColumnComputedFromAProtectedOneIsNotReturnedNorTested() throws Exception {
        assertThat(mysql.mariadb.query("SELECT name_upper FROM shop.mgc_people WHERE id = 1").strip())
                .isEqualTo("ADA LOVELACE");
        for (String sql : List.of("SELECT name_upper FROM mgc_people", "SELECT `Name Reversed` FROM shop.mgc_people",
                "SELECT * FROM mgc_people", "SELECT id FROM mgc_people WHERE name_upper LIKE 'ADA%'",
                "SELECT name_kept FROM mgc_people")) {
            String answer = mysql.mariadbClient(TestGateway.ALICE_TOKEN, sql);
            assertThat(answer).as(sql).contains("blocked by policy rule mask-personal-data")
                    .doesNotContainIgnoringCase("Ada Lovelace").doesNotContainIgnoringCase("ecalevoL adA");
        }
        assertThat(mysql.mariadbClient(TestGateway.ALICE_TOKEN, "SELECT id_twice, note FROM mgc_people"))
                .contains("2").contains("name").doesNotContain("blocked");
    }
}
