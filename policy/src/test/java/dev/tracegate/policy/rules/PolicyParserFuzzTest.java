package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracegate.masking.HashKey;
import dev.tracegate.policy.sql.SqlClassification;
import dev.tracegate.policy.sql.SqlClassifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Coverage-guided fuzzing of the policy YAML loader ({@code ./fuzz PolicyParserFuzzTest}); its kept
 * inputs start from real policies (the demo's, the benchmarks').
 *
 * <p>Properties: any text is either a policy or a {@link PolicyException} that says what is wrong
 * (the gateway keeps its previous policy then); a policy that loads decides SQL and HTTP requests
 * and picks masking profiles for any caller without throwing, and a statement of the highest risk
 * never gets a weaker default than the policy's own high-risk default.
 */
class PolicyParserFuzzTest {

    private static final HashKey KEY = HashKey.of("a fuzzing key of enough bytes".getBytes(StandardCharsets.UTF_8));
    private static final SqlClassifier CLASSIFIER = new SqlClassifier();
    private static final List<SqlClassification> STATEMENTS = Stream.of("SELECT * FROM customers",
            "DELETE FROM orders", "ALTER TABLE orders ADD COLUMN note text", "COPY t FROM PROGRAM 'id'", "SET ROLE admin",
            "BEGIN", "GRANT ALL ON customers TO public", "SELECT 'unterminated").map(CLASSIFIER::classify).toList();
    private static final List<HttpRequestFacts> REQUESTS = List.of(
            new HttpRequestFacts("GET", "/traces/1", Map.of("x-tenant", "a")),
            new HttpRequestFacts("DELETE", "/traces", Map.of()),
            new HttpRequestFacts("PROPFIND", "/", Map.of("content-type", "application/json")));
    private static final List<Subject> SUBJECTS = List.of(
            new Subject("shop", "postgres", Set.of("analysts"), "human"),
            new Subject("traces", "http", Set.of("dba", "pii-readers"), "agent"),
            new Subject("other", "postgres", Set.of(), "service"));

    @FuzzTest
    void parse(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        Policy policy;
        try {
            policy = PolicyParser.parse(yaml, KEY);
        } catch (PolicyException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        for (Subject subject : SUBJECTS) {
            PolicyEngine.masking(policy, subject);
            for (SqlClassification statement : STATEMENTS) {
                Decision decision = PolicyEngine.decide(policy, subject, statement);
                assertThat(decision.action()).isNotNull();
                if (decision.rule().startsWith("default") && statement.highestRisk().isHighestRisk()) {
                    assertThat(decision.action().ordinal()).isGreaterThanOrEqualTo(policy.highRiskDefault().ordinal());
                }
            }
            for (HttpRequestFacts request : REQUESTS) {
                PolicyEngine.needsBody(policy, subject, request);
                assertThat(PolicyEngine.decide(policy, subject, request).action()).isNotNull();
            }
        }
    }
}
