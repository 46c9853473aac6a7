package dev.tracegate.policy.bench;

import dev.tracegate.policy.rules.Policy;
import dev.tracegate.policy.rules.PolicyEngine;
import dev.tracegate.policy.rules.PolicyParser;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.SqlClassification;
import dev.tracegate.policy.sql.SqlClassifier;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Guard throughput on a realistic OLTP mix (pgbench's statements, ORM-style lookups, a report):
 * classification with repeated texts served from the cache, classification of texts never seen
 * before, and the policy decision on top. Figures are printed, never asserted.
 *
 * <p>Run: {@code ./mvnw -q -pl policy test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tracegate.policy.bench.ClassifierBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class ClassifierBenchmark {

    static final List<String> OLTP_MIX = List.of(
            "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
            "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
            "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2",
            "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2",
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)",
            "BEGIN",
            "COMMIT",
            "SELECT c.id, c.name, c.email FROM customers c WHERE c.id = $1",
            "SELECT o.id, o.amount, o.status FROM orders o WHERE o.customer_id = $1 ORDER BY o.created_at DESC LIMIT 20",
            "INSERT INTO orders (id, customer_id, amount, status, created_at) VALUES ($1, $2, $3, 'pending', now()) RETURNING id",
            "UPDATE orders SET status = 'paid' WHERE id = $1 AND status = 'pending'",
            "SELECT status, count(*), sum(amount) FROM orders WHERE created_at > now() - interval '7 days' GROUP BY status",
            "DELETE FROM sessions WHERE expires_at < now()",
            "SELECT 1");

    private final SqlClassifier classifier = new SqlClassifier();
    private final Policy policy = PolicyParser.parse("""
            rules:
              - name: hold-ddl
                classes: [ddl]
                action: approve
                approvers: [dba]
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
            """);
    private final Subject subject = new Subject("shop", "postgres", Set.of("analysts"), "service");
    private int next;
    private long unique;

    @Benchmark
    public SqlClassification classifyRepeated() {
        return classifier.classify(OLTP_MIX.get(nextIndex()));
    }

    @Benchmark
    public SqlClassification classifyNeverSeen() {
        // A literal that changes every time defeats the cache, as simple-protocol clients do.
        return classifier.classify("SELECT abalance FROM pgbench_accounts WHERE aid = " + (unique++));
    }

    @Benchmark
    public Object classifyAndDecideRepeated() {
        return PolicyEngine.decide(policy, subject, classifier.classify(OLTP_MIX.get(nextIndex())));
    }

    private int nextIndex() {
        next = next + 1 == OLTP_MIX.size() ? 0 : next + 1;
        return next;
    }

    public static void main(String[] args) throws RunnerException {
        // In-process: exec:java runs inside Maven, whose class path a forked JVM would not inherit.
        new Runner(new OptionsBuilder().include(ClassifierBenchmark.class.getSimpleName()).forks(0).build()).run();
    }
}
