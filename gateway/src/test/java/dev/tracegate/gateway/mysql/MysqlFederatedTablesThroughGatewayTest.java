package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A FEDERATED table is another name for a table of some server, this one included: a DBA's
 * {@code ENGINE=FEDERATED CONNECTION='mysql://.../shop/customers'} hands a masked caller the
 * protected names under a name no rule covers, and the gateway cannot see which table it names
 * (information_schema does not show the connection). With the real {@code mariadb} client, no
 * name may reach the masked caller in clear, read plainly or computed.
 */
class MysqlFederatedTablesThroughGatewayTest {

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
            """;
    private static final List<String> NAMES = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing");

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        TestMariaDb mariadb = TestMariaDb.get();
        if (mariadb.query("SELECT count(*) FROM information_schema.ENGINES WHERE ENGINE = 'FEDERATED'"
                + " AND SUPPORT IN ('YES', 'DEFAULT')").strip().equals("0")) {
            mariadb.sql("INSTALL SONAME 'ha_federatedx'");
        }
        mysql = MysqlGatewayFixture.start(POLICY, "DROP TABLE IF EXISTS shop.mfed_remote",
                "CREATE TABLE shop.mfed_remote (id int, name varchar(100)) ENGINE=FEDERATED CONNECTION='mysql://"
                        + TestMariaDb.NATIVE_USER + ":" + TestMariaDb.PASSWORD + "@127.0.0.1:" + mariadb.port()
                        + "/shop/customers'");
    }

    @AfterAll
    static void stop() {
        mysql.mariadb.sql("DROP TABLE IF EXISTS shop.mfed_remote");
        mysql.close();
    }

    @Test
    void aFederatedTableHandsNoNameInClear() throws Exception {
        assertThat(mysql.mariadb.query("SELECT name FROM shop.mfed_remote WHERE id = 1").strip())
                .as("the federated table reads the customers").isEqualTo("Ada Lovelace");
        for (String sql : List.of("SELECT name FROM mfed_remote", "SELECT UPPER(name) FROM mfed_remote",
                "SELECT GROUP_CONCAT(name) FROM shop.mfed_remote", "SELECT r.name FROM mfed_remote r JOIN customers c USING (id)",
                "SELECT * FROM mfed_remote", "SELECT REVERSE(`name`) FROM `shop`.`mfed_remote`")) {
            String answer = mysql.mariadbClient(TestGateway.ALICE_TOKEN, sql);
            assertThat(answer).as(sql).contains("blocked by policy rule mask-personal-data");
            for (String name : NAMES) {
                assertThat(answer).as(sql).doesNotContainIgnoringCase(name)
                        .doesNotContainIgnoringCase(new StringBuilder(name).reverse().toString());
            }
        }
    }
}
