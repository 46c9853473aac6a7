package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code SHOW CREATE} and {@code DESCRIBE} print the text of the database's code, which quotes
 * what a DBA wrote into it: a column's {@code DEFAULT 'Alan Turing'}, a {@code CHECK (name <>
 * 'Grace Hopper')}, a view's {@code WHERE name = 'Ada Lovelace'}, a trigger's or a procedure's body. With the real
 * {@code mariadb} client, no name may reach the masked caller; the table stays readable, masked.
 */
class MysqlCodeTextThroughGatewayTest {

    private static final List<String> NAMES = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing");

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(MysqlGatewayFixture.maskingPolicy(
                        "{match: mc_people.name, entity: person_name, strategy: hash}"),
                "DROP VIEW IF EXISTS shop.mc_vip", "DROP TABLE IF EXISTS shop.mc_people",
                "CREATE TABLE shop.mc_people (id int PRIMARY KEY, name varchar(100) DEFAULT 'Alan Turing',"
                        + " CONSTRAINT mc_not_grace CHECK (name <> 'Grace Hopper'))",
                "INSERT INTO shop.mc_people VALUES (1, 'Ada Lovelace')",
                "CREATE VIEW shop.mc_vip AS SELECT id FROM shop.mc_people WHERE name = 'Ada Lovelace'",
                "CREATE TRIGGER shop.mc_watch BEFORE UPDATE ON shop.mc_people FOR EACH ROW"
                        + " SET NEW.id = IF(NEW.name = 'Grace Hopper', 0, NEW.id)",
                "DROP PROCEDURE IF EXISTS shop.mc_find",
                "CREATE PROCEDURE shop.mc_find() SELECT id FROM shop.mc_people WHERE name = 'Alan Turing'");
    }

    @AfterAll
    static void stop() {
        mysql.mariadb.sql("DROP VIEW IF EXISTS shop.mc_vip", "DROP TABLE IF EXISTS shop.mc_people",
                "DROP PROCEDURE IF EXISTS shop.mc_find");
        mysql.close();
    }

    @Test
    void showCreateAndDescribeQuoteNoName() throws Exception {
        assertThat(mysql.mariadb.query("SHOW CREATE VIEW shop.mc_vip")).as("the view quotes a name").contains("Ada Lovelace");
        for (String sql : List.of("SHOW CREATE VIEW mc_vip", "SHOW CREATE TABLE mc_people", "SHOW CREATE TABLE shop.mc_people",
                "DESCRIBE mc_people", "DESC `shop`.`mc_people`", "EXPLAIN mc_people", "SHOW COLUMNS FROM mc_people",
                "SHOW FULL FIELDS FROM mc_people", "SHOW CREATE TRIGGER mc_watch", "show create view MC_VIP",
                "SHOW CREATE PROCEDURE mc_find")) {
            String answer = mysql.mariadbClient(TestGateway.ALICE_TOKEN, sql);
            for (String name : NAMES) {
                assertThat(answer).as(sql).doesNotContainIgnoringCase(name);
            }
        }
    }

    @Test
    void theTableStaysReadableMasked() throws Exception {
        String answer = mysql.mariadbClient(TestGateway.ALICE_TOKEN, "SELECT id, name FROM mc_people");
        assertThat(answer).startsWith("1\t").doesNotContainIgnoringCase("Ada Lovelace");
    }
}
