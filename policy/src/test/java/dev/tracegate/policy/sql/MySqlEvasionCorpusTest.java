package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.EvasionCorpusTest.Case;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs {@code mysql-evasion-corpus.tsv} (the format of {@link EvasionCorpusTest}) through the MySQL
 * dialect: MySQL-specific attempts to slip a statement past a rule (executable comments, {@code #}
 * and {@code --} comments, backslash and double-quote tricks, backticks, version gates, variables,
 * dynamic SQL, charsets) classify at or above the class such a rule catches; legitimate MySQL
 * statements keep their class.
 */
class MySqlEvasionCorpusTest {

    private static final SqlClassifier CLASSIFIER = new SqlClassifier();

    /** Marks a case classified in a session whose server reports NO_BACKSLASH_ESCAPES. */
    private static final String NO_BACKSLASH_ESCAPES = "[no_backslash_escapes] ";

    private static SqlClassification classify(String sql) {
        return sql.startsWith(NO_BACKSLASH_ESCAPES)
                ? CLASSIFIER.classify(sql.substring(NO_BACKSLASH_ESCAPES.length()), SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES,
                name -> Optional.empty())
                : CLASSIFIER.classify(sql, SqlDialect.MYSQL, name -> Optional.empty());
    }

    @TestFactory
    Stream<DynamicTest> attacksAreCaught() throws IOException {
        return EvasionCorpusTest.attacksAreCaught(cases(), MySqlEvasionCorpusTest::classify);
    }

    @TestFactory
    Stream<DynamicTest> legitimateStatementsKeepTheirClass() throws IOException {
        return EvasionCorpusTest.legitimateStatementsKeepTheirClass(cases(), MySqlEvasionCorpusTest::classify);
    }

    @Test
    void corpusIsLargeEnoughToMeanSomething() throws IOException {
        List<Case> cases = cases();
        assertThat(cases.stream().filter(Case::attack).count()).isGreaterThanOrEqualTo(50);
        assertThat(cases.stream().filter(c -> !c.attack()).count()).isGreaterThanOrEqualTo(30);
    }

    private static List<Case> cases() throws IOException {
        return EvasionCorpusTest.cases("/mysql-evasion-corpus.tsv");
    }
}
