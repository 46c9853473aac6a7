package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** MySQL text through {@link SqlClassifier#classify(String, SqlDialect, java.util.function.Function)}. */
class MySqlClassifierTest {

    private final SqlClassifier classifier = new SqlClassifier();

    private StatementClass classOf(String sql) {
        return classifier.classify(sql, SqlDialect.MYSQL, name -> Optional.empty()).highestRisk();
    }

    @Test
    void mySqlTextFailsClosed() {
        assertThat(classOf("SELECT 1")).isEqualTo(StatementClass.UNKNOWN);
    }
}
