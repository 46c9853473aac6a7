package dev.tracegate.gateway.bench;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ListenerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a warm PostgreSQL connection's CPU goes in the gateway (printed, never asserted). An
 * in-process gateway ({@link TestGateway}: API-key sign-in, recording and the evidence log on, the
 * embedded store) in front of the embedded PostgreSQL; real {@code psql -c 'SELECT 1'} processes
 * connect, run one statement and leave, {@value #CONCURRENCY} at a time. psql and PostgreSQL are
 * other processes, so this JVM's CPU is the gateway's (and this loop's, which waits).
 *
 * <p>Per case (TLS or not, upstream log-in by trust or SCRAM): the process's CPU per connection,
 * split by thread from {@code /proc/self/task} (virtual threads run on the ForkJoinPool carriers,
 * so "sessions" is every session's start-up, relays and end), then a second pass of the same case
 * under JFR's CPU-time sampler (1 sample per ms of a thread's CPU, system calls included) whose
 * samples are put into the phases of a connection by the frames on their stack. A phase's figure is
 * its share of the sampled CPU times the Java threads' CPU per connection, so the phases add up to
 * the Java threads' figure; the JIT and GC threads are not sampled and are given on their own.
 *
 * <p>Run: {@code ./mvnw -q -pl gateway exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tracegate.gateway.bench.ConnectionCostBenchmark [-Dexec.args="connections"]}
 * (default 1,000 measured and 500 sampled connections per case after 2,000 uncounted ones).
 */
public final class ConnectionCostBenchmark {

    private static final int CONCURRENCY = 8;
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final int HOTTEST = 15;
    private static final int IDLE_SECONDS = 5;

    private record Case(String name, String connection, String sslmode) {
    }

    private static final List<Case> CASES = List.of(
            new Case("TLS, upstream trust", "app_trust", "require"),
            new Case("no TLS, upstream trust", "app_trust", "disable"),
            new Case("no TLS, upstream SCRAM", "app", "disable"));

    /** Threads by name (/proc comm is cut to 15 characters), first match wins. */
    private static final Map<String, Predicate<String>> THREAD_GROUPS = groups();

    /**
     * Phases of a connection by the frames of a sample's stack, the first phase with a matching
     * frame anywhere on the stack wins (so TLS record work inside the relay counts as TLS, and the
     * statement's own evidence inside the relay counts as the relay's).
     */
    private static final Map<String, Predicate<String>> PHASES = phases();

    private ConnectionCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int measured = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        boolean quick = System.getenv("TRACEGATE_BENCH_QUICK") != null;
        int warmUp = quick ? measured : measured * 2;
        int sampled = Math.max(100, measured / 2);
        // The test class path's logback configuration logs the gateway at DEBUG; a gateway ships at INFO.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.tracegate"))
                .setLevel(ch.qos.logback.classic.Level.INFO);
        // Cleartext on loopback allowed, as bench/run's gateways have it, for the cases without TLS.
        try (TestGateway gateway = TestGateway.start(new ListenerConfig("127.0.0.1", 0, true))) {
            System.out.printf(Locale.ROOT, "Gateway CPU per psql connection (one SELECT 1), %d at a time, %d cores,"
                    + " load average %.2f%n", CONCURRENCY, Runtime.getRuntime().availableProcessors(), loadAverage());
            for (Case c : CASES) {
                connect(gateway, c, warmUp / CASES.size());
            }
            long idleAllocatedBefore = allocatedBytes();
            double idle = idleCpuMillisPerSecond();
            double idleAllocated = (allocatedBytes() - idleAllocatedBefore) / 1024.0 / IDLE_SECONDS;
            System.out.printf(Locale.ROOT, "idle gateway: %.2f ms CPU and %.1f KiB allocated per second (timers,"
                    + " background writers)%n", idle, idleAllocated);
            for (Case c : CASES) {
                measure(gateway, c, measured, sampled, new Idle(idle, idleAllocated));
            }
            System.out.printf(Locale.ROOT, "load average at the end %.2f%n", loadAverage());
        } catch (Exception | Error e) {
            e.printStackTrace();
            // The embedded PostgreSQL's shutdown hook stops it; non-daemon threads would keep a failed run alive.
            System.exit(1);
        }
        System.exit(0);
    }

    /** What the gateway spends per second with no connection: its timers and background writers. */
    private record Idle(double cpuMillis, double allocatedKiB) {
    }

    private static void measure(TestGateway gateway, Case c, int measured, int sampled, Idle idle) throws Exception {
        Map<String, Long> threadsBefore = cpuTicksByGroup();
        long before = processCpuNanos();
        long allocatedBefore = allocatedBytes();
        long start = System.nanoTime();
        connect(gateway, c, measured);
        double seconds = (System.nanoTime() - start) / 1e9;
        double total = (processCpuNanos() - before) / 1e6 / measured;
        double allocated = (allocatedBytes() - allocatedBefore) / 1024.0 / measured;
        Map<String, Long> threadsAfter = cpuTicksByGroup();
        System.out.printf(Locale.ROOT, "%n%s: %.2f ms CPU per connection (%d connections in %.1f s)%n",
                c.name(), total, measured, seconds);
        // Timers and background writers run by the clock: at a few connections a second they land in each one.
        System.out.printf(Locale.ROOT, "  of which an idle gateway spends as much in the same time: %.2f ms%n",
                idle.cpuMillis() * seconds / measured);
        // Allocation does not depend on the machine's load (but for the timers' share): the figure to compare.
        System.out.printf(Locale.ROOT, "  allocated %.1f KiB per connection (every thread), %.1f KiB without what an idle"
                + " gateway allocates in the same time%n", allocated, allocated - idle.allocatedKiB() * seconds / measured);
        double accounted = 0;
        double java = 0;
        for (String group : THREAD_GROUPS.keySet()) {
            double ms = (threadsAfter.getOrDefault(group, 0L) - threadsBefore.getOrDefault(group, 0L))
                    * 1000.0 / CLOCK_TICKS_PER_SECOND / measured;
            accounted += ms;
            if (!group.startsWith("JIT") && !group.startsWith("GC") && !group.startsWith("JVM")) {
                java += ms;
            }
            System.out.printf(Locale.ROOT, "  thread %-44s %6.2f ms%n", group, ms);
        }
        System.out.printf(Locale.ROOT, "  thread %-44s %6.2f ms%n", "(threads that ended meanwhile, rounding)",
                total - accounted);
        threadsAfter.entrySet().stream().filter(e -> e.getKey().startsWith("other: "))
                .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %-50s %6.2f ms%n", e.getKey(),
                        e.getValue() * 1000.0 / CLOCK_TICKS_PER_SECOND / measured));
        Map<String, Long> hottest = new LinkedHashMap<>();
        Map<String, Long> allocationSites = new LinkedHashMap<>();
        Map<String, Long> allocationPhases = new LinkedHashMap<>();
        Map<String, Long> samples = sampledPhases(gateway, c, sampled, hottest, allocationPhases, allocationSites);
        long all = samples.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "  phases of the Java threads' %.2f ms, by %,d CPU-time samples over %d connections:%n",
                java, all, sampled);
        for (Map.Entry<String, Long> phase : samples.entrySet()) {
            System.out.printf(Locale.ROOT, "    %-52s %6.2f ms  %5.1f %%%n", phase.getKey(),
                    all == 0 ? 0 : java * phase.getValue() / all, all == 0 ? 0 : 100.0 * phase.getValue() / all);
        }
        System.out.println("  most sampled (innermost Tracegate frame < leaf frame):");
        hottest.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(HOTTEST)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %5.1f %%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
        long weighed = allocationSites.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "  allocation by phase (JFR's allocation samples, by weight, over %d connections):%n",
                sampled);
        allocationPhases.entrySet().stream().filter(e -> e.getValue() > 0).forEach(e -> System.out.printf(Locale.ROOT,
                "    %-52s %6.1f KiB  %5.1f %%%n", e.getKey(), allocated * e.getValue() / weighed,
                100.0 * e.getValue() / weighed));
        System.out.println("  most allocated (innermost Tracegate frame < allocating frame: class allocated):");
        allocationSites.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(HOTTEST)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %6.1f KiB  %s%n", allocated * e.getValue() / weighed,
                        e.getKey()));
    }

    /**
     * Phase of each CPU-time sample taken while {@code connections} of the case run; the allocation
     * samples' weights (bytes) by phase and by site go into the last two maps.
     */
    private static Map<String, Long> sampledPhases(TestGateway gateway, Case c, int connections,
                                                   Map<String, Long> hottest, Map<String, Long> allocationPhases,
                                                   Map<String, Long> allocationSites) throws Exception {
        Path file = Files.createTempFile("connection-cost", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.CPUTimeSample").with("throttle", "1ms").withStackTrace();
            recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
            recording.enable("jdk.Compilation").withThreshold(java.time.Duration.ZERO);
            recording.enable("jdk.ObjectAllocationSample").with("throttle", "20000/s").withStackTrace();
            recording.start();
            connect(gateway, c, connections);
            recording.stop();
            recording.dump(file);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Long> compiled = new LinkedHashMap<>();
        PHASES.keySet().forEach(phase -> counts.put(phase, 0L));
        counts.put("other", 0L);
        allocationPhases.putAll(counts);
        try (RecordingFile events = new RecordingFile(file)) {
            while (events.hasMoreEvents()) {
                RecordedEvent event = events.readEvent();
                String type = event.getEventType().getName();
                if (type.equals("jdk.Compilation")) {
                    jdk.jfr.consumer.RecordedMethod method = event.getValue("method");
                    compiled.merge(method.getType().getName().replaceFirst("^.*\\.", "") + "." + method.getName(),
                            1L, Long::sum);
                    continue;
                }
                if (type.equals("jdk.ObjectAllocationSample") && event.getStackTrace() != null
                        && !isRecordingItself(event.getStackTrace().getFrames())) {
                    List<RecordedFrame> frames = event.getStackTrace().getFrames();
                    long weight = event.getLong("weight");
                    allocationPhases.merge(phaseOf(frames), weight, Long::sum);
                    jdk.jfr.consumer.RecordedClass allocated = event.getClass("objectClass");
                    allocationSites.merge(innermostOwn(frames) + " < " + nameOf(frames.getFirst()) + ": "
                            + (allocated == null ? "?" : allocated.getName().replaceFirst("^.*\\.", "")), weight, Long::sum);
                    continue;
                }
                if (type.equals("jdk.CPUTimeSample") && event.getStackTrace() != null
                        || type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
                    List<RecordedFrame> frames = event.getStackTrace().getFrames();
                    counts.merge(phaseOf(frames), 1L, Long::sum);
                    hottest.merge(innermostOwn(frames) + " < " + nameOf(frames.getFirst()), 1L, Long::sum);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        long compilations = compiled.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "  JIT: %,d compilations over %d connections, most compiled: %s%n", compilations,
                connections, compiled.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .limit(8).map(e -> e.getKey() + " x" + e.getValue()).toList());
        return counts;
    }

    /** JFR's own work and this benchmark's (the recording's stop and dump) are not the gateway's. */
    private static boolean isRecordingItself(List<RecordedFrame> frames) {
        return frames.stream().anyMatch(f -> f.getMethod() != null && (f.getMethod().getType().getName().startsWith("jdk.jfr.")
                || f.getMethod().getType().getName().endsWith("ConnectionCostBenchmark")));
    }

    private static String nameOf(RecordedFrame frame) {
        return frame.getMethod() == null ? "?" : frame.getMethod().getType().getName().replaceFirst("^.*\\.", "")
                + "." + frame.getMethod().getName();
    }

    private static String innermostOwn(List<RecordedFrame> frames) {
        return frames.stream().filter(f -> f.getMethod() != null
                        && f.getMethod().getType().getName().startsWith("dev.tracegate."))
                .findFirst().map(ConnectionCostBenchmark::nameOf).orElse("(no Tracegate frame)");
    }

    private static String phaseOf(List<RecordedFrame> frames) {
        List<String> names = new ArrayList<>(frames.size());
        for (RecordedFrame frame : frames) {
            if (frame.getMethod() != null) {
                names.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
        }
        for (Map.Entry<String, Predicate<String>> phase : PHASES.entrySet()) {
            if (names.stream().anyMatch(phase.getValue())) {
                return phase.getKey();
            }
        }
        return "other";
    }

    /**
     * Runs {@code count} psql sessions of the case, {@link #CONCURRENCY} at a time, from one xargs
     * process, so forking and reaping the clients costs this JVM nothing; each must succeed.
     */
    private static void connect(TestGateway gateway, Case c, int count) throws IOException, InterruptedException {
        String uri = "postgresql://alice:" + TestGateway.ALICE_TOKEN + "@127.0.0.1:" + gateway.port() + "/"
                + c.connection() + "?sslmode=" + c.sslmode();
        Process clients = new ProcessBuilder("sh", "-c", "seq " + count + " | xargs -P " + CONCURRENCY
                + " -I{} psql '" + uri + "' -X -q -c 'SELECT 1'")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (clients.waitFor() != 0) {
            throw new IllegalStateException("a psql session failed (xargs exit status " + clients.exitValue() + ")");
        }
    }

    private static double idleCpuMillisPerSecond() throws InterruptedException {
        long before = processCpuNanos();
        Thread.sleep(IDLE_SECONDS * 1_000L);
        return (processCpuNanos() - before) / 1e6 / IDLE_SECONDS;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long allocatedBytes() {
        // Every thread's, those that ended included; virtual threads allocate on their carriers.
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** User and system clock ticks of this process's live threads, by group. */
    private static Map<String, Long> cpuTicksByGroup() throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    String group = groupOf(name);
                    ticks.merge(group, used, Long::sum);
                    if (group.equals("other")) {
                        // Thread numbers dropped, so that e.g. every "process reaper" adds up under one name.
                        ticks.merge("other: " + name.replaceAll("[-#]?\\d+$", ""), used, Long::sum);
                    }
                } catch (IOException | RuntimeException gone) {
                    // The thread ended between the listing and the read.
                }
            }
        }
        return ticks;
    }

    private static String groupOf(String threadName) {
        return THREAD_GROUPS.entrySet().stream().filter(g -> g.getValue().test(threadName)).map(Map.Entry::getKey)
                .findFirst().orElse("other");
    }

    private static Map<String, Predicate<String>> groups() {
        Map<String, Predicate<String>> groups = new LinkedHashMap<>();
        groups.put("sessions (virtual-thread carriers)", name -> name.startsWith("ForkJoinPool"));
        groups.put("accepting (pg-accept)", name -> name.startsWith("pg-accept"));
        groups.put("evidence (appender, indexer, blobs, store)", name -> name.startsWith("evidence-")
                || name.startsWith("blob-") || name.startsWith("MVStore") || name.startsWith("H2 "));
        groups.put("start-up deadlines timer", name -> name.startsWith("startup-deadlin"));
        groups.put("JIT compilers", name -> name.contains("CompilerThre"));
        groups.put("GC", name -> name.startsWith("GC ") || name.startsWith("G1 ") || name.startsWith("ZGC")
                || name.startsWith("Z") && name.length() > 1 && Character.isUpperCase(name.charAt(1)));
        groups.put("JVM (VM thread, periodic tasks)", name -> name.startsWith("VM ") || name.startsWith("Service Thread"));
        groups.put("other", name -> true);
        return groups;
    }

    private static Map<String, Predicate<String>> phases() {
        Map<String, Predicate<String>> phases = new LinkedHashMap<>();
        phases.put("TLS (handshake, records)", name -> name.startsWith("sun.security.") || name.startsWith("javax.net.ssl.")
                || name.startsWith("dev.tracegate.gateway.tls."));
        phases.put("sign-in (token verification)", name -> name.endsWith("SessionAdmission.authenticate"));
        phases.put("upstream connect and log-in", name -> name.endsWith("PostgresUpstreamConnector.connect"));
        phases.put("session.open/close events (session side)", name -> name.endsWith("SessionRecorder.opened")
                || name.endsWith("SessionRecorder.closed"));
        phases.put("relay: the statement, its evidence, the end", name -> name.endsWith("ClientMessageRelay.run")
                || name.endsWith("ServerMessageRelay.run"));
        phases.put("evidence appender, indexer, store", name -> name.startsWith("dev.tracegate.gateway.evidence.")
                || name.startsWith("dev.tracegate.ledger.") || name.startsWith("org.h2."));
        phases.put("admission, limits, policy", name -> name.contains(".ConnectionAdmission.")
                || name.endsWith("SessionAdmission.admit") || name.startsWith("dev.tracegate.gateway.guard.")
                || name.contains(".SessionPlace."));
        phases.put("session start-up and end, other", name -> name.startsWith("dev.tracegate.gateway.postgres.PostgresSession."));
        phases.put("accepting", name -> name.startsWith("dev.tracegate.gateway.engine.SessionSockets."));
        return phases;
    }
}
