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

    /** {@code sql} sent and run by the server. */
    private void ran(String sql) {
        classifier.classify(sql).statements().forEach(statement -> names.forget(names.sent(statement)));
    }

    /** {@code sql} sent; the server's answer has not confirmed it ran. */
    private PreparedStatementNames.Forgetting sent(String sql) {
        PreparedStatementNames.Forgetting forgetting = PreparedStatementNames.Forgetting.NONE;
        for (var statement : classifier.classify(sql).statements()) {
            forgetting = forgetting.and(names.sent(statement));
        }
        return forgetting;
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
        ran("PREPARE r AS SELECT 1");
        ran("DEALLOCATE PREPARE ALL");
        assertThat(names.prepared("r")).isEmpty();
    }

    /**
     * A name goes only when the server confirms what drops it ran, and only the statements that
     * drop prepared statements drop it: DISCARD PLANS, TEMP and SEQUENCES keep them, and a name
     * prepared again while its DEALLOCATE was on its way keeps its statements.
     */
    @Test
    void aNameIsForgottenOnlyByWhatDropsItOnceItRan() {
        ran("PREPARE p AS DELETE FROM orders");
        for (String keeps : new String[] {"DISCARD PLANS", "DISCARD TEMP", "DISCARD SEQUENCES", "DEALLOCATE q"}) {
            ran(keeps);
            assertThat(names.prepared("p")).as(keeps).isPresent();
        }
        PreparedStatementNames.Forgetting unconfirmed = sent("DEALLOCATE p");
        assertThat(names.prepared("p")).as("sent, not yet run").isPresent();
        sent("PREPARE p AS SELECT 1");
        names.forget(unconfirmed);
        assertThat(names.prepared("p")).as("prepared again before the DEALLOCATE ran: the server may run either")
                .hasValueSatisfying(p -> assertThat(p.statementClass()).isEqualTo(StatementClass.BULK_WRITE));
        ran("PREPARE q AS SELECT 1; DEALLOCATE ALL; PREPARE r AS SELECT 1");
        assertThat(names.prepared("q")).isEmpty();
        assertThat(names.prepared("r")).isPresent();
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
        assertThat(names.prepared("p")).as("a refused Parse's stand-in replaces nothing").hasValue(delete);
        PreparedStatementNames.Forgetting close = names.closing("p");
        assertThat(names.prepared("p")).as("closed once the server answers").isPresent();
        names.forget(close);
        assertThat(names.prepared("p")).isEmpty();
        names.parsed("p", null, true);
        assertThat(names.prepared("p")).as("a statement the classifier could not class")
                .hasValueSatisfying(p -> assertThat(p.statementClass()).isEqualTo(StatementClass.UNKNOWN));
        assertThat(PreparedStatementNames.asExecute("del")).isEqualTo("EXECUTE del");
        assertThat(PreparedStatementNames.asExecute("My \"x\"")).isEqualTo("EXECUTE \"My \"\"x\"\"\"");
    }
}
