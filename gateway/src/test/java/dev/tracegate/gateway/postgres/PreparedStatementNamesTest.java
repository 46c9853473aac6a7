package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.SqlClassifier;
import dev.tracegate.policy.sql.StatementClass;
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
            assertThat(names.classOf("p")).as(deallocate).isPresent();
            ran(deallocate);
            assertThat(names.classOf("p")).as(deallocate).isEmpty();
        }
        ran("PREPARE q AS SELECT 1");
        ran("DISCARD ALL");
        assertThat(names.classOf("q")).isEmpty();
    }

    @Test
    void aParseOrACloseOfANameChangesWhatExecuteOfItRuns() {
        ran("PREPARE p AS SELECT 1");
        names.parsed("p", StatementClass.WRITE, true);
        assertThat(names.classOf("p")).hasValue(StatementClass.WRITE);
        names.parsed("p", StatementClass.DDL, false);
        assertThat(names.classOf("p")).as("a refused Parse: nothing known by that name").isEmpty();
        names.parsed("p", StatementClass.READ, true);
        names.closed("p");
        assertThat(names.classOf("p")).isEmpty();
        assertThat(PreparedStatementNames.asExecute("del")).isEqualTo("EXECUTE del");
        assertThat(PreparedStatementNames.asExecute("My \"x\"")).isEqualTo("EXECUTE \"My \"\"x\"\"\"");
    }
}
