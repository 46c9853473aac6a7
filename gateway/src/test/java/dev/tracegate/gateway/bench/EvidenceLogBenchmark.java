package dev.tracegate.gateway.bench;

import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.evidence.CheckpointAnchor;
import dev.tracegate.gateway.evidence.CheckpointService;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceExporter;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.ExportFilter;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.note.LogKeyPair;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Evidence log figures (printed, never asserted): durable appends per second with concurrent
 * writers on the embedded store and on PostgreSQL, and export plus verification time.
 *
 * <p>Run: {@code ./mvnw -q -pl gateway exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tracegate.gateway.bench.EvidenceLogBenchmark [-Dexec.args="1000000"]}
 * (the argument is the number of events for the export/verify run; default 1,000,000).
 */
public final class EvidenceLogBenchmark {

    private static final Identity ACTOR = new Identity("tracegate", "apikey:bench", "bench", null, List.of("analysts"), "agent");
    private static final int SECONDS = 5;

    public static void main(String[] args) throws Exception {
        long exportEvents = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("tracegate-bench");
        System.out.println("evidence log benchmark (" + Runtime.getRuntime().availableProcessors() + " cores)");
        try (Store h2 = Store.open(new StoreConfig(null, null, null, null, null), dir.resolve("h2"));
             EvidenceLog log = new EvidenceLog(h2, dir.resolve("h2/evidence-log"), false)) {
            for (int writers : new int[] {1, 8, 64}) {
                report("embedded (leaf log)", writers, durableAppends(log, writers));
            }
        }
        try (Store h2 = Store.open(new StoreConfig(null, null, null, null, null), dir.resolve("h2-fsync"));
             EvidenceLog log = new EvidenceLog(h2, dir.resolve("h2-fsync/evidence-log"), true)) {
            report("embedded (leaf log, fsync)", 64, durableAppends(log, 64));
        }
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Path password = dir.resolve("pw");
            Files.writeString(password, "trust");
            StoreConfig config = new StoreConfig("postgresql", null,
                    "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", SecretReference.of("file:" + password));
            try (Store store = Store.open(config, dir.resolve("pg")); EvidenceLog log = new EvidenceLog(store, null, false)) {
                for (int writers : new int[] {1, 8, 64}) {
                    report("postgresql (direct)", writers, durableAppends(log, writers));
                }
            }
        }
        exportAndVerify(dir.resolve("export"), exportEvents);
    }

    /** Each writer appends and waits for durability, as a session does for every command. */
    private static double durableAppends(EvidenceLog log, int writers) throws Exception {
        AtomicLong appended = new AtomicLong();
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        log.appendDurably(event());
                        appended.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return appended.get() / (double) SECONDS;
    }

    private static void exportAndVerify(Path dir, long events) throws Exception {
        try (Store store = Store.open(new StoreConfig(null, null, null, null, null), dir);
             EvidenceLog log = new EvidenceLog(store, dir.resolve("evidence-log"), false)) {
            long start = System.nanoTime();
            List<CompletableFuture<Long>> window = new ArrayList<>();
            for (long i = 0; i < events; i++) {
                window.add(log.append(event()));
                if (window.size() == 10_000) {
                    EvidenceLog.awaitDurable(window.getLast());
                    window.clear();
                }
            }
            if (!window.isEmpty()) {
                EvidenceLog.awaitDurable(window.getLast());
            }
            log.awaitStored();
            System.out.printf("filled %,d events in %.1f s%n", events, seconds(start));
            LogKeyPair key = LogKeyPair.generate("tracegate.bench/log");
            try (CheckpointService checkpoints = new CheckpointService(log, "tracegate.bench/log", key,
                    new CheckpointAnchor(dir.resolve("anchor")), List.of(), 3600)) {
                long exportStart = System.nanoTime();
                EvidenceExporter.Summary summary = new EvidenceExporter(log, checkpoints).export(ExportFilter.ALL, dir.resolve("bundle"));
                double exportSeconds = seconds(exportStart);
                long verifyStart = System.nanoTime();
                VerificationReport report = BundleVerifier.verify(dir.resolve("bundle"), Optional.of(key.verifierKey()));
                double verifySeconds = seconds(verifyStart);
                System.out.printf("export %,d events: %.1f s; verify: %.1f s; total %.1f s (%s)%n", summary.events(),
                        exportSeconds, verifySeconds, exportSeconds + verifySeconds, report.ok() ? "VERIFIED" : report.summary());
            }
        }
    }

    private static void report(String store, int writers, double perSecond) {
        System.out.printf("durable appends, %-26s %3d writers: %,10.0f events/s%n", store, writers, perSecond);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static EvidenceEvent event() {
        var detail = EvidenceEvent.newDetail();
        detail.put("seq", 1);
        detail.put("message", "Execute");
        detail.put("text", "SELECT abalance FROM pgbench_accounts WHERE aid = $1");
        detail.putArray("params").add("42");
        return new EvidenceEvent(Instant.now(), EventType.COMMAND, ACTOR, "bench-session", null,
                new EvidenceEvent.Resource("shop", "postgres", "127.0.0.1:5432/shop"), detail);
    }
}
