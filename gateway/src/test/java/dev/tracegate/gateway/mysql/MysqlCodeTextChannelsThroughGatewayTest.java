package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each piece of a DBA's MySQL or MariaDB code alone in the database, quoting a protected value
 * where the earlier sweep did not look: a routine's body with the name in double quotes (a string
 * where ANSI_QUOTES is off), an event's body, a partition's values, a trigger's body as {@code SHOW TRIGGERS} prints it,
 * a badge number as a protected column's numeric default (a card number the detectors would find); and
 * comments, no code but free text a DBA wrote: a table's, a column's, an index's, a routine's. With the real {@code mariadb} client, no
 * value may reach the masked caller.
 */
class MysqlCodeTextChannelsThroughGatewayTest {

    private static final List<String> VALUES = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing", "314159");

    private static MysqlGatewayFixture mysql;

    /** One piece of code made alone, what a masked caller tries on it, and how it is dropped. */
    record Scenario(String name, String create, List<String> attempts, String drop) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(MysqlGatewayFixture.maskingPolicy(
                        "{match: mx_people.name, entity: person_name, strategy: hash}\n"
                                + "        - {match: mx_people.badge, entity: person_name, strategy: redact}\n"
                                + "        - {match: mx_parts.name, entity: person_name, strategy: hash}"),
                "DROP TABLE IF EXISTS shop.mx_people",
                "CREATE TABLE shop.mx_people (id int PRIMARY KEY, name varchar(100), badge int)",
                "INSERT INTO shop.mx_people VALUES (1, 'Ada Lovelace', 271828)");
    }

    @AfterAll
    static void stop() {
        mysql.mariadb.sql("DROP TABLE IF EXISTS shop.mx_people", "DROP TABLE IF EXISTS shop.mx_parts",
                "DROP PROCEDURE IF EXISTS shop.mx_find", "DROP PROCEDURE IF EXISTS shop.mx_count",
                "DROP EVENT IF EXISTS shop.mx_purge");
        mysql.close();
    }

    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario("a body quoting in double quotes",
                        "CREATE PROCEDURE shop.mx_find() SELECT id FROM shop.mx_people WHERE name = \"Ada Lovelace\"",
                        List.of("SHOW CREATE PROCEDURE mx_find",
                                "SELECT ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_NAME = 'mx_find'"),
                        "DROP PROCEDURE shop.mx_find"),
                new Scenario("an event's body",
                        "CREATE EVENT shop.mx_purge ON SCHEDULE EVERY 1 DAY DISABLE"
                                + " DO DELETE FROM shop.mx_people WHERE name = 'Grace Hopper'",
                        List.of("SHOW CREATE EVENT mx_purge",
                                "SELECT EVENT_DEFINITION FROM information_schema.EVENTS WHERE EVENT_NAME = 'mx_purge'"),
                        "DROP EVENT shop.mx_purge"),
                new Scenario("a trigger's body",
                        "CREATE TRIGGER shop.mx_watch BEFORE UPDATE ON shop.mx_people FOR EACH ROW"
                                + " SET NEW.id = IF(NEW.name = 'Alan Turing', 0, NEW.id)",
                        List.of("SHOW TRIGGERS", "SHOW TRIGGERS FROM shop LIKE 'mx%'"),
                        "DROP TRIGGER shop.mx_watch"),
                new Scenario("a partition's values",
                        "CREATE TABLE shop.mx_parts (id int, name varchar(100)) PARTITION BY LIST COLUMNS(name)"
                                + " (PARTITION p_ada VALUES IN ('Ada Lovelace'), PARTITION p_grace VALUES IN ('Grace Hopper'))",
                        List.of("SHOW CREATE TABLE mx_parts"),
                        "DROP TABLE shop.mx_parts"),
                new Scenario("a numeric default",
                        "ALTER TABLE shop.mx_people ALTER COLUMN badge SET DEFAULT 314159",
                        List.of("DESCRIBE mx_people", "SHOW CREATE TABLE mx_people",
                                "SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_NAME = 'mx_people'"),
                        "ALTER TABLE shop.mx_people ALTER COLUMN badge DROP DEFAULT"),
                new Scenario("a table's and a column's comment",
                        "ALTER TABLE shop.mx_people COMMENT = 'VIP: Ada Lovelace', MODIFY COLUMN id int COMMENT 'Grace Hopper first'",
                        List.of("SHOW CREATE TABLE mx_people", "SHOW FULL COLUMNS FROM mx_people",
                                "SHOW TABLE STATUS LIKE 'mx_people'",
                                "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_NAME = 'mx_people'",
                                "SELECT * FROM information_schema.TABLES WHERE TABLE_NAME = 'mx_people'",
                                "SELECT t.* FROM information_schema.TABLES t WHERE TABLE_NAME = 'mx_people'",
                                "SELECT `Column_Comment` FROM information_schema.`COLUMNS` WHERE TABLE_NAME = 'mx_people'"),
                        "ALTER TABLE shop.mx_people COMMENT = '', MODIFY COLUMN id int COMMENT ''"),
                new Scenario("an index's comment",
                        "CREATE INDEX mx_people_name ON shop.mx_people (name) COMMENT 'Alan Turing'",
                        List.of("SHOW INDEX FROM mx_people", "SHOW KEYS FROM mx_people",
                                "SELECT INDEX_COMMENT FROM information_schema.STATISTICS WHERE TABLE_NAME = 'mx_people'"),
                        "DROP INDEX mx_people_name ON shop.mx_people"),
                new Scenario("a routine's comment",
                        "CREATE PROCEDURE shop.mx_count() COMMENT 'Alan Turing' SELECT count(*) FROM shop.mx_people",
                        List.of("SHOW PROCEDURE STATUS", "SHOW CREATE PROCEDURE mx_count",
                                "SELECT ROUTINE_COMMENT FROM information_schema.ROUTINES"),
                        "DROP PROCEDURE shop.mx_count"));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void noChannelQuotesTheCodesValueToAMaskedCaller(Scenario scenario) throws Exception {
        mysql.mariadb.sql(scenario.create());
        try {
            // The gateway reads its catalog again within a few seconds of a change it did not see.
            Thread.sleep(6_000);
            List<String> leaks = new ArrayList<>();
            for (String attempt : scenario.attempts()) {
                String answer = mysql.mariadbClient(TestGateway.ALICE_TOKEN, attempt);
                VALUES.stream().filter(value -> answer.toLowerCase().contains(value.toLowerCase()))
                        .forEach(value -> leaks.add(attempt + " -> " + answer));
            }
            assertThat(leaks).as(scenario.name()).isEmpty();
        } finally {
            mysql.mariadb.sql(scenario.drop());
        }
    }
}
