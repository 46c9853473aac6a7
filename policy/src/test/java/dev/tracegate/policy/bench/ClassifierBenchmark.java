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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
 * before (pgbench's simple protocol spells every number into the text; once with no cache at all, to
 * show what the shape cache saves), the policy decision on top, and a MERGE with 20,000 WHEN clauses
 * (an attacker-sized statement whose path was quadratic). Figures are printed, never asserted.
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

    /**
     * A MERGE with 20,000 WHEN clauses (about 740 KB): too long to cache or to give JSqlParser, so
     * each call lexes and reads it whole. Its path was quadratic; the figure shows what one costs now.
     */
    static final String MERGE_20000_WHEN = "MERGE INTO t USING s ON t.id = s.id "
            + IntStream.range(0, 20_000).mapToObj(i -> "WHEN MATCHED AND v = " + i + " THEN DELETE")
            .collect(Collectors.joining(" "));

    private final SqlClassifier classifier = new SqlClassifier();
    /** No cache of any kind: every statement is lexed, judged by the rules and parsed by JSqlParser. */
    private final SqlClassifier uncached = new SqlClassifier(0, 0);
    private final Policy policy = PolicyParser.parse("""
            rules:
              - name: hold-ddl
                minClass: ddl
                action: approve
                approvers: [dba]
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
            """);
    private final Subject subject = new Subject("shop", "postgres", Set.of("analysts"), "service");
    private int next;
    private long unique;
    private int pgbenchStep;
    private long seed = 42;

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
    public SqlClassification classifyPgbenchSimpleProtocol() {
        return classifier.classify(nextPgbenchStatement());
    }

    @Benchmark
    public SqlClassification classifyPgbenchSimpleProtocolUncached() {
        return uncached.classify(nextPgbenchStatement());
    }

    @Benchmark
    public SqlClassification classifyMergeWith20000WhenClauses() {
        return classifier.classify(MERGE_20000_WHEN);
    }

    @Benchmark
    public Object classifyAndDecideRepeated() {
        return PolicyEngine.decide(policy, subject, classifier.classify(OLTP_MIX.get(nextIndex())));
    }

    /**
     * pgbench's TPC-B-like script as its simple protocol sends it: every number (account, teller,
     * branch, delta between -5000 and 5000) is spelled into the text, so hardly a text repeats.
     */
    private String nextPgbenchStatement() {
        long aid = 1 + random(10_000_000);
        long tid = 1 + random(1_000);
        long bid = 1 + random(100);
        long delta = random(10_001) - 5_000;
        pgbenchStep = pgbenchStep + 1 == 7 ? 0 : pgbenchStep + 1;
        return switch (pgbenchStep) {
            case 0 -> "BEGIN;";
            case 1 -> "UPDATE pgbench_accounts SET abalance = abalance + " + delta + " WHERE aid = " + aid + ";";
            case 2 -> "SELECT abalance FROM pgbench_accounts WHERE aid = " + aid + ";";
            case 3 -> "UPDATE pgbench_tellers SET tbalance = tbalance + " + delta + " WHERE tid = " + tid + ";";
            case 4 -> "UPDATE pgbench_branches SET bbalance = bbalance + " + delta + " WHERE bid = " + bid + ";";
            case 5 -> "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (" + tid + ", " + bid + ", "
                    + aid + ", " + delta + ", CURRENT_TIMESTAMP);";
            default -> "END;";
        };
    }

    /** A cheap deterministic generator (64-bit LCG), so runs are comparable. */
    private long random(long bound) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        return Math.floorMod(seed >>> 16, bound);
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
