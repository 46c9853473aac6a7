package dev.tracegate.gateway.recording;

import dev.tracegate.ledger.jcs.Jcs;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * What a statement's {@code command} detail costs on the relay, as the leaf needs it (printed,
 * never asserted): written as canonical text ({@link CommandEventDetail#canonical}), against the
 * JSON tree it replaced, canonicalised into the leaf's kept buffer as {@code LeafEncoding} did.
 * Per command: this thread's CPU time and the bytes it allocated; allocation does not depend on
 * the machine's load, CPU time does a little.
 *
 * <p>Run: {@code ./mvnw -q -pl gateway exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tracegate.gateway.recording.CommandDetailCostBenchmark
 * [-Dexec.args="seconds"]} (default 3 s of warm-up and 3 s of measurement per case and way).
 */
public final class CommandDetailCostBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private record Case(String name, IntFunction<CommandEventDetail> detail) {
    }

    private static final List<Case> CASES = List.of(
            new Case("pgbench -S (Query)", n -> new CommandEventDetail(new CommandRecord(n, "Query",
                    "SELECT abalance FROM pgbench_accounts WHERE aid = " + n + ";", null, null, null, "read", null),
                    null, 0, null)),
            new Case("pgbench -S -M extended (Execute, one parameter)", n -> new CommandEventDetail(new CommandRecord(n,
                    "Execute", "SELECT abalance FROM pgbench_accounts WHERE aid = $1;", "P0_1", List.of(Integer.toString(n)),
                    null, "read", null), null, 0, null)),
            new Case("UPDATE with a masked e-mail (one redaction)", n -> new CommandEventDetail(new CommandRecord(n, "Query",
                    "UPDATE customers SET email = '***' WHERE id = " + n, null, null, null, "write", "audit-writes",
                    List.of(new Redaction(null, null, 29, 3, "EMAIL", "ab".repeat(32)))), null, 0, null)),
            new Case("HTTP GET (client, tls, four headers)", n -> new CommandEventDetail(new CommandRecord(n, "HTTP",
                    "GET /orders/" + n, null, null, null, "read", null), null, 0, httpDetail())));

    private CommandDetailCostBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0])
                : "1".equals(System.getenv("TRACEGATE_BENCH_QUICK")) ? 1 : 3;
        for (Case c : CASES) {
            run(c, true, seconds);
            run(c, false, seconds);
            long[] tree = run(c, true, seconds);
            long[] text = run(c, false, seconds);
            System.out.println(String.format(Locale.ROOT,
                    "%s: as a canonicalised tree %.2f us, %,d bytes; as canonical text %.2f us, %,d bytes per command",
                    c.name(), tree[0] / 1000.0, tree[1], text[0] / 1000.0, text[1]));
        }
    }

    /** This thread's CPU nanoseconds and allocated bytes per command, the detail's way as the leaf takes it. */
    private static long[] run(Case c, boolean asTree, double seconds) {
        StringBuilder leaf = new StringBuilder(2048); // LeafEncoding keeps its builder from one leaf to the next
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long thread = Thread.currentThread().threadId();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long allocated = THREADS.getThreadAllocatedBytes(thread);
        long commands = 0;
        long sink = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1_000; i++) {
                CommandEventDetail detail = c.detail().apply(ThreadLocalRandom.current().nextInt(1, 100_001));
                leaf.setLength(0);
                if (asTree) {
                    Jcs.appendCanonical(detail.tree(), leaf);
                } else {
                    leaf.append(detail.canonical());
                }
                sink += leaf.length();
            }
            commands += 1_000;
        }
        long cpuPer = (THREADS.getCurrentThreadCpuTime() - cpu) / commands;
        long allocatedPer = (THREADS.getThreadAllocatedBytes(thread) - allocated) / commands;
        if (sink == 42) {
            System.out.print(""); // keeps the work observable
        }
        return new long[] {cpuPer, allocatedPer};
    }

    private static HttpRequestDetail httpDetail() {
        return new HttpRequestDetail("192.0.2.7:51234", true, new TreeMap<>(Map.of("host", "api.example.com",
                "user-agent", "curl/8.5.0", "accept", "application/json", "authorization", "[credential]")));
    }
}
