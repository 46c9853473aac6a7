package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.guard.Command;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.recording.RecordedCommand;
import dev.tracegate.masking.HashKey;
import dev.tracegate.policy.rules.PolicyParser;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.SqlDialect;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What approvers read of a held statement with parameters: its values, none passing for statement text. */
class HeldCommandTextTest {

    @Test
    void aStatementWithoutParametersIsShownAsItIs() {
        assertThat(HeldCommandText.of(new RecordedCommand("DROP TABLE t", null, List.of()))).isEqualTo("DROP TABLE t");
        assertThat(HeldCommandText.of(new RecordedCommand("DROP TABLE t", List.of(), List.of()))).isEqualTo("DROP TABLE t");
    }

    @Test
    void boundValuesFollowInOrderWithNullsNamed() {
        assertThat(HeldCommandText.of(new RecordedCommand("UPDATE t SET a = $1 WHERE id = $2",
                Arrays.asList(null, "5"), List.of())))
                .isEqualTo("UPDATE t SET a = $1 WHERE id = $2\n-- bound parameters, in order: NULL, \"5\"");
    }

    @Test
    void aValueCannotEndItsQuotesOrStartALineOfItsOwn() {
        String value = "5\"\nDROP TABLE orders; -- \u2028\u202E\\";
        assertThat(HeldCommandText.of(new RecordedCommand("DELETE FROM t WHERE id = $1", List.of(value), List.of())))
                .isEqualTo("DELETE FROM t WHERE id = $1\n-- bound parameters, in order: "
                        + "\"5\\\"\\u000ADROP TABLE orders; -- \\u2028\\u202E\\\\\"")
                .hasLineCount(2);
    }

    /**
     * The rows of COPY ... FROM STDIN and the file of LOAD DATA LOCAL INFILE come from the client
     * after approvers decide: they are told so (before, they read the statement as if it were all).
     */
    @Test
    void approversAreToldOfDataTheClientSendsOnlyAfterTheirDecision() {
        assertThat(held(SqlDialect.MYSQL, "LOAD DATA LOCAL INFILE '/tmp/rows.csv' INTO TABLE orders"))
                .isEqualTo("LOAD DATA LOCAL INFILE '/tmp/rows.csv' INTO TABLE orders\n-- then the client sends the"
                        + " file's contents, which approvers are not shown: approving this approves whatever the file holds");
        assertThat(held(SqlDialect.MYSQL, "load data low_priority local infile 'x' into table t"))
                .contains("\n-- then the client sends the file's contents");
        assertThat(held(SqlDialect.POSTGRESQL, "COPY orders (id) FROM STDIN WITH (FORMAT csv)"))
                .isEqualTo("COPY orders (id) FROM STDIN WITH (FORMAT csv)\n-- then the client sends the rows to copy,"
                        + " which approvers are not shown: approving this approves whatever rows it sends");
        // The server's own file, and statements that carry all their data, are shown as they are.
        assertThat(held(SqlDialect.MYSQL, "LOAD DATA INFILE '/tmp/rows.csv' INTO TABLE orders")).doesNotContain("\n");
        assertThat(held(SqlDialect.POSTGRESQL, "COPY orders TO STDOUT")).doesNotContain("\n");
        assertThat(held(SqlDialect.POSTGRESQL, "INSERT INTO orders VALUES (1)")).doesNotContain("\n");
    }

    private static String held(SqlDialect dialect, String text) {
        Guard guard = new Guard(PolicyParser.parse("defaults:\n  action: allow\n"),
                HashKey.of("a test key of enough bytes".getBytes(StandardCharsets.UTF_8)));
        Ruling ruling = guard.decide(new Subject("shop", "postgres", Set.of(), "human"),
                new Command.Sql(text, dialect, name -> Optional.empty(), null));
        return HeldCommandText.of(ruling, ruling.forApprovers(), text, null);
    }
}
