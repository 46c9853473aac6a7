package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.PreparedText;
import dev.tracegate.policy.sql.SqlClassifier;
import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.StatementClass;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one namespace of statements prepared by SQL and by the protocol, as EXECUTE looks names up. */
class PreparedStatementNamesTest {

    private final SqlClassifier classifier = new SqlClassifier();
    private final PreparedStatementNames names = new PreparedStatementNames();

    private void ran(String sql) {
        classifier.classify(sql).statements().forEach(names::ran);
    }

    @Test
    void deallocateForgetsTheNameHoweverItIsWritten() {
        for (String deallocate : new String[] {"DEALLOCATE p", "deallocate prepare p;", "DEALLOCATE \"p\"",
            "DEALLOCATE /* c */ p"}) {
            ran("PREPARE p AS SELECT 1");
            assertThat(names.prepared("p")).as(deallocate).isPresent();
            ran(deallocate);
            assertThat(names.prepared("p")).as(deallocate).isEmpty();
        }
        ran("PREPARE q AS SELECT 1");
        ran("DISCARD ALL");
        assertThat(names.prepared("q")).isEmpty();
    }

    @Test
    void executeOfAStatementPreparedBySqlNamesItsTablesAndText() {
        ran("PREPARE del AS DELETE FROM orders WHERE id = $1");
        assertThat(names.prepared("del")).hasValueSatisfying(p -> {
            assertThat(p.statementClass()).isEqualTo(StatementClass.WRITE);
            assertThat(p.tables()).containsExactly("orders");
            assertThat(p.text()).isEqualTo("PREPARE del AS DELETE FROM orders WHERE id = $1");
        });
        assertThat(classifier.classifyInSession("EXECUTE del(5)", SqlDialect.POSTGRESQL, names::prepared)
                .statements().getFirst().tables()).containsExactly("orders");
    }

    /**
     * PostgreSQL refuses to prepare a name twice and keeps the first statement, and {@code "DEL"}
     * is another name than {@code del}: neither makes EXECUTE del look like something else.
     */
    @Test
    void anotherPrepareOfANameKeepsWhatTheFirstRunsAndQuotedNamesAreTheirOwn() {
        ran("PREPARE del AS DELETE FROM orders WHERE id = $1");
        ran("PREPARE \"DEL\" AS SELECT 1");
        ran("PREPARE del AS SELECT 1");
        assertThat(names.prepared("del")).hasValueSatisfying(p -> {
            assertThat(p.statementClass()).isEqualTo(StatementClass.WRITE);
            assertThat(p.tables()).containsExactly("orders");
        });
        assertThat(names.prepared("DEL")).hasValueSatisfying(p -> assertThat(p.statementClass())
                .isEqualTo(StatementClass.READ));
        ran("DEALLOCATE DEL");
        assertThat(names.prepared("del")).isEmpty();
        assertThat(names.prepared("DEL")).isPresent();
        String longName = "n".repeat(70);
        ran("PREPARE " + longName + " AS DELETE FROM orders WHERE id = $1");
        assertThat(names.prepared("n".repeat(63))).as("PostgreSQL keeps the first 63 bytes of a name").isPresent();
    }

    @Test
    void aParseOrACloseOfANameChangesWhatExecuteOfItRuns() {
        PreparedText delete = new PreparedText(StatementClass.WRITE, List.of("orders"), "DELETE FROM orders WHERE id = $1");
        names.parsed("p", delete, true);
        assertThat(names.prepared("p")).hasValue(delete);
        names.parsed("p", PreparedText.ofClass(StatementClass.DDL), false);
        assertThat(names.prepared("p")).as("a refused Parse: nothing known by that name").isEmpty();
        names.parsed("p", PreparedText.ofClass(StatementClass.READ), true);
        names.closed("p");
        assertThat(names.prepared("p")).isEmpty();
        assertThat(PreparedStatementNames.asExecute("del")).isEqualTo("EXECUTE del");
        assertThat(PreparedStatementNames.asExecute("My \"x\"")).isEqualTo("EXECUTE \"My \"\"x\"\"\"");
    }
}
