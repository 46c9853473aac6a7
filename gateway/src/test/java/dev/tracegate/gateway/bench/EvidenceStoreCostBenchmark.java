package dev.tracegate.gateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.Store;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * What writing evidence into the embedded store costs (printed, never asserted): events, pairs of
 * {@code command} and {@code command.result} as pgbench sessions produce them, go through
 * {@link EvidenceLog} with its leaf log, in two shapes:
 * <ul>
 *   <li><b>backlog</b>: appended as fast as the leaf log takes them, so the indexer always finds a
 *       full queue (large transactions);</li>
 *   <li><b>paced</b>: at a steady rate, like a gateway under pgbench (small transactions, one per
 *       linger window).</li>
 * </ul>
 * Reported per event: the indexer thread's CPU (subtree hashes and the query index), the CPU of
 * H2's own background threads (page serialisation and saving), and the whole process's CPU
 * (which includes sealing, the leaf log
 * and this harness); and how fast the store took the events.
 *
 * <p>Run: {@code ./mvnw -q -pl gateway exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tracegate.gateway.bench.EvidenceStoreCostBenchmark
 * [-Dexec.args="events [paced events/s] [backlog,paced]"]} (defaults: 200000 events, 10000
 * events/s, both shapes; the paced run writes a quarter as many events). {@code bench/run} runs it
 * too. A warm-up run of the same shape comes first and is not reported.
 */
public final class EvidenceStoreCostBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final Identity ACTOR = new Identity("tracegate", "apikey:bench", "bench", "bench@example.com",
            List.of("analysts"), "agent");
    private static final EvidenceEvent.Resource RESOURCE = new EvidenceEvent.Resource("shop", "postgres", "127.0.0.1:5432/shop");
    private static final int SESSIONS = 8;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        String shapes = args.length > 2 ? args[2] : "backlog,paced";
        System.out.printf("evidence store cost: %,d events, %d cores%n", events, Runtime.getRuntime().availableProcessors());
        run("warm-up (not counted)", Math.min(events, 50_000), 0);
        if (shapes.contains("backlog")) {
            run("backlog", events, 0);
        }
        if (shapes.contains("paced")) {
            run("paced " + rate + "/s", events / 4, rate);
        }
    }

    /** One fresh store and log; {@code rate} 0 means as fast as the leaf log takes them. */
    private static void run(String name, int events, int rate) throws Exception {
        Path dir = Files.createTempDirectory("tracegate-store-harness");
        try {
            Workload workload = new Workload();
            try (Store store = Store.open(new StoreConfig(null, null, null, null, null), dir.resolve("data"));
                 EvidenceLog log = new EvidenceLog(store, dir.resolve("evidence-log"), false)) {
                Map<Long, Long> threadCpuBefore = storeThreadCpu();
                long processCpuBefore = OS.getProcessCpuTime();
                long start = System.nanoTime();
                List<CompletableFuture<Long>> window = new ArrayList<>();
                for (int i = 0; i < events; i++) {
                    if (rate > 0) {
                        LockSupport.parkNanos(start + i * 1_000_000_000L / rate - System.nanoTime());
                    }
                    window.add(log.append(workload.next()));
                    if (window.size() == 10_000) {
                        EvidenceLog.awaitDurable(window.getLast());
                        window.clear();
                    }
                }
                if (!window.isEmpty()) {
                    EvidenceLog.awaitDurable(window.getLast());
                }
                log.awaitStored();
                double seconds = (System.nanoTime() - start) / 1e9;
                long processCpu = OS.getProcessCpuTime() - processCpuBefore;
                Map<String, Long> threadCpu = byRole(threadCpuBefore, storeThreadCpu());
                if (log.size() != events) {
                    throw new IllegalStateException("the log holds " + log.size() + " events, expected " + events);
                }
                System.out.printf("%-22s %,9.0f events/s stored | indexer %5.1f us/event | h2 threads %4.1f us/event"
                                + " | process %5.1f us/event%n", name, events / seconds, perEvent(threadCpu.get("storer"), events),
                        perEvent(threadCpu.get("h2"), events), perEvent(processCpu, events));
            }
            System.out.printf("%-22s store files %,d KB after close%n", "", storeBytes(dir.resolve("data")) / 1024);
        } finally {
            delete(dir);
        }
    }

    /** CPU nanoseconds so far of each thread that writes the store, by thread id. */
    private static Map<Long, Long> storeThreadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (role(thread.getName()) != null) {
                cpu.put(thread.threadId(), THREADS.getThreadCpuTime(thread.threadId()));
            }
        }
        return cpu;
    }

    /** CPU spent between the two snapshots, summed by role. H2's pool threads that ended are missed. */
    private static Map<String, Long> byRole(Map<Long, Long> before, Map<Long, Long> after) {
        Map<String, Long> cpu = new HashMap<>(Map.of("storer", 0L, "h2", 0L));
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            Long now = after.get(thread.threadId());
            if (now != null && now >= 0) {
                cpu.merge(role(thread.getName()), now - before.getOrDefault(thread.threadId(), 0L), Long::sum);
            }
        }
        return cpu;
    }

    private static String role(String threadName) {
        if (threadName.equals("evidence-indexer")) {
            return "storer";
        }
        boolean h2 = threadName.startsWith("MVStore background writer") || threadName.startsWith("H2-serialization")
                || threadName.startsWith("H2-save");
        return h2 ? "h2" : null;
    }

    private static double perEvent(long nanos, int events) {
        return nanos / 1e3 / events;
    }

    private static long storeBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Eight pgbench-like sessions taking turns: each command is an extended-protocol Execute of
     * the select-only statement with its parameter, followed by its result (tags, rows, duration,
     * the reference to its kept rows). One command in fifty carries a trace id.
     */
    private static final class Workload {
        private final String[] sessions = new String[SESSIONS];
        private final long[] sequences = new long[SESSIONS];
        private final String[] traces = new String[SESSIONS];
        private long produced;

        Workload() {
            for (int s = 0; s < SESSIONS; s++) {
                sessions[s] = randomHex(13);
            }
        }

        EvidenceEvent next() {
            int session = (int) (produced / 2 % SESSIONS);
            boolean command = produced++ % 2 == 0;
            if (command) {
                long seq = ++sequences[session];
                traces[session] = seq % 50 == 0 ? randomHex(16) : null;
            }
            ObjectNode detail = EvidenceEvent.newDetail();
            detail.put("seq", sequences[session]);
            if (command) {
                detail.put("message", "Execute");
                detail.put("text", "SELECT abalance FROM pgbench_accounts WHERE aid = $1;");
                detail.put("class", "read");
                detail.putArray("params").add(Integer.toString(ThreadLocalRandom.current().nextInt(1, 1_000_000)));
                return event(EventType.COMMAND, session, detail);
            }
            detail.put("status", "ok");
            detail.putArray("tags").add("SELECT 1");
            detail.put("rows", 1);
            detail.put("duration_us", ThreadLocalRandom.current().nextInt(60, 400));
            ObjectNode data = detail.putObject("data");
            data.put("blob", "sha256:" + randomHex(32));
            data.put("size", 48);
            data.put("format", "jsonl");
            data.put("rows", 1);
            data.put("truncated", false);
            return event(EventType.COMMAND_RESULT, session, detail);
        }

        private EvidenceEvent event(String type, int session, ObjectNode detail) {
            return new EvidenceEvent(Instant.now(), type, ACTOR, sessions[session], traces[session], RESOURCE, detail);
        }

        private static String randomHex(int bytes) {
            byte[] random = new byte[bytes];
            ThreadLocalRandom.current().nextBytes(random);
            return HexFormat.of().formatHex(random);
        }
    }
}
