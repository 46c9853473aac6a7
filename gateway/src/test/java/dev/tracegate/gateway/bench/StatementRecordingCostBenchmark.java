package dev.tracegate.gateway.bench;

import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.policy.sql.LexingCache;
import dev.tracegate.policy.sql.SqlClassifier;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * What the relay spends per statement on its text before anything goes upstream (printed, never
 * asserted): the classification and the record's redaction, as the {@code Guard} does them (one
 * {@link LexingCache} shared by both, the default record profile: every detector and name hint),
 * on pgbench's statements, each with its own random numbers, and on statements that write
 * personal data into protected columns. Per statement: this thread's CPU time and the bytes it
 * allocated ({@code com.sun.management.ThreadMXBean}); allocation does not depend on the
 * machine's load, CPU time does a little.
 *
 * <p>Run: {@code ./mvnw -q -pl gateway exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tracegate.gateway.bench.StatementRecordingCostBenchmark
 * [-Dexec.args="seconds"]} (default 5 s of warm-up and 5 s of measurement per case).
 */
public final class StatementRecordingCostBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final HashKey KEY = HashKey.of("statement-recording-cost".getBytes(StandardCharsets.UTF_8));

    private record Case(String name, IntFunction<String> statement) {
    }

    private static final List<Case> CASES = List.of(
            new Case("pgbench -S", n -> "SELECT abalance FROM pgbench_accounts WHERE aid = " + n + ";"),
            new Case("pgbench TPC-B UPDATE", n -> "UPDATE pgbench_accounts SET abalance = abalance + " + (n % 10_000 - 5_000)
                    + " WHERE aid = " + n + ";"),
            new Case("pgbench TPC-B INSERT", n -> "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ("
                    + n % 10 + ", 1, " + n + ", " + (n % 10_000 - 5_000) + ", CURRENT_TIMESTAMP);"),
            new Case("UPDATE of an e-mail column with a comment", n -> "UPDATE customers SET email = 'ada@example.com',"
                    + " status = 'gold' WHERE id = " + n + " /* app: billing */"));

    private StatementRecordingCostBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        LexingCache lexing = new LexingCache();
        SqlClassifier classifier = new SqlClassifier(lexing);
        CommandRedaction redaction = CommandRedaction.forRecord(new Masker(MaskingProfile.defaults()), KEY, lexing);
        for (Case c : CASES) {
            run(c, classifier, redaction, seconds);
            long[] classify = run(c, classifier, null, seconds);
            long[] both = run(c, classifier, redaction, seconds);
            System.out.println(String.format(Locale.ROOT,
                    "%s: classification %.1f us, %,d bytes; classification and redaction %.1f us, %,d bytes per statement"
                            + " (redaction about %.1f us, %,d bytes)",
                    c.name(), classify[0] / 1000.0, classify[1], both[0] / 1000.0, both[1],
                    (both[0] - classify[0]) / 1000.0, both[1] - classify[1]));
        }
    }

    /** This thread's CPU nanoseconds and allocated bytes per statement, classifying (and redacting) for {@code seconds}. */
    private static long[] run(Case c, SqlClassifier classifier, CommandRedaction redaction, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long thread = Thread.currentThread().threadId();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long allocated = THREADS.getThreadAllocatedBytes(thread);
        long statements = 0;
        long sink = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1_000; i++) {
                String sql = c.statement().apply(ThreadLocalRandom.current().nextInt(1, 100_001));
                sink += classifier.classify(sql).statements().size();
                if (redaction != null) {
                    sink += redaction.statement(sql, null).text().length();
                }
            }
            statements += 1_000;
        }
        long cpuPer = (THREADS.getCurrentThreadCpuTime() - cpu) / statements;
        long allocatedPer = (THREADS.getThreadAllocatedBytes(thread) - allocated) / statements;
        if (sink == 42) {
            System.out.print(""); // keeps the work observable
        }
        return new long[] {cpuPer, allocatedPer};
    }
}
