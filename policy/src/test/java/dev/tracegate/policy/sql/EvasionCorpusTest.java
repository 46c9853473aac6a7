package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs {@code evasion-corpus.tsv}: attempts to slip DDL, bulk writes, privilege changes and server
 * access past a rule must classify at or above the class such a rule catches, and never as one of
 * the harmless classes; legitimate statements must classify exactly as expected.
 */
class EvasionCorpusTest {

    private static final Set<StatementClass> HARMLESS = Set.of(
            StatementClass.READ, StatementClass.WRITE, StatementClass.SESSION, StatementClass.TRANSACTION);

    private static final SqlClassifier CLASSIFIER = new SqlClassifier();

    record Case(int line, boolean attack, StatementClass expected, String raw, String sql) {
    }

    @TestFactory
    Stream<DynamicTest> attacksAreCaught() throws IOException {
        return attacksAreCaught(cases(), CLASSIFIER::classify);
    }

    @TestFactory
    Stream<DynamicTest> legitimateStatementsKeepTheirClass() throws IOException {
        return legitimateStatementsKeepTheirClass(cases(), CLASSIFIER::classify);
    }

    /** An attack must classify at least as its case says, and never as a harmless class. */
    static Stream<DynamicTest> attacksAreCaught(List<Case> cases, Function<String, SqlClassification> classifier) {
        return cases.stream().filter(Case::attack).map(c -> DynamicTest.dynamicTest(
                "line " + c.line() + ": " + c.raw(), () -> {
                    SqlClassification result = classifier.apply(c.sql());
                    assertThat(result.highestRisk())
                            .as("%s -> %s", c.raw(), result.statements())
                            .matches(got -> got.isAtLeast(c.expected()), "at least " + c.expected())
                            .isNotIn(HARMLESS);
                }));
    }

    static Stream<DynamicTest> legitimateStatementsKeepTheirClass(List<Case> cases,
                                                                  Function<String, SqlClassification> classifier) {
        return cases.stream().filter(c -> !c.attack()).map(c -> DynamicTest.dynamicTest(
                "line " + c.line() + ": " + c.raw(), () -> {
                    SqlClassification result = classifier.apply(c.sql());
                    assertThat(result.highestRisk()).as("%s -> %s", c.raw(), result.statements())
                            .isEqualTo(c.expected());
                }));
    }

    @Test
    void corpusIsLargeEnoughToMeanSomething() throws IOException {
        List<Case> cases = cases();
        assertThat(cases.stream().filter(Case::attack).count()).isGreaterThanOrEqualTo(120);
        assertThat(cases.stream().filter(c -> !c.attack()).count()).isGreaterThanOrEqualTo(60);
    }

    static List<Case> cases() throws IOException {
        return cases("/evasion-corpus.tsv");
    }

    /** The cases of a corpus file in this format on the test classpath. */
    static List<Case> cases(String resource) throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = EvasionCorpusTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the test classpath").isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 2);
                boolean attack = parts[0].startsWith(">=");
                StatementClass expected = StatementClass.valueOf(parts[0].substring(attack ? 2 : 1));
                cases.add(new Case(i + 1, attack, expected, parts[1], unescape(parts[1])));
            }
        }
        return cases;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char next = s.charAt(++i);
            out.append(switch (next) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'f' -> '\f';
                case 'v' -> '\u000B';
                default -> next;
            });
        }
        return out.toString();
    }
}
