package dev.tracegate.gateway.operations;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * What the relays spend per statement and per request, counted only when the JVM runs with
 * {@code -Dtracegate.accounting=true} (benchmarks: {@code bench/account}, and {@code bench/run}'s
 * {@code account} phase). The counters are served on {@code /metrics} as
 * {@code tracegate_accounting_*_total}; dividing their growth over a run by the growth of
 * {@code statements} (or {@code http_requests}) gives a cost per statement that does not depend on
 * how loaded the machine is, unlike throughput.
 *
 * <p>Off, every call site is {@code if (CostAccounting.ON)} on a static final false, which the JIT
 * removes: the hot path pays nothing. docs/benchmarks.md says what each counter counts.
 */
public final class CostAccounting {

    /** Whether this JVM counts; fixed at start so the checks fold away. */
    public static final boolean ON = Boolean.getBoolean("tracegate.accounting");

    /** A command recorded by the PostgreSQL relay (Query, Execute, FunctionCall, a refused Parse). */
    public static final LongAdder STATEMENTS = new LongAdder();
    /** An HTTP request the gateway proxied or refused. */
    public static final LongAdder HTTP_REQUESTS = new LongAdder();
    /** An event handed to the evidence log. */
    public static final LongAdder EVIDENCE_EVENTS = new LongAdder();
    /** A JSON document serialised on the request path (an event's leaf, a detail tree converted). */
    public static final LongAdder JSON_ENCODINGS = new LongAdder();
    /**
     * A thread woke for work another thread handed it: the evidence appender or indexer taking a
     * batch, a caller woken when its event became durable, a relay whose read had to wait for the
     * next message from the socket.
     */
    public static final LongAdder HAND_OFFS = new LongAdder();
    /** A copy of a message's bytes or text (read into a frame, decoded to a string, encoded, buffered). */
    public static final LongAdder COPIES = new LongAdder();

    private CostAccounting() {
    }

    /** Adds the counters to {@code registry}, with the process's CPU time and allocated bytes; nothing when off. */
    static void bindTo(MeterRegistry registry) {
        if (!ON) {
            return;
        }
        counter(registry, "statements", STATEMENTS);
        counter(registry, "http.requests", HTTP_REQUESTS);
        counter(registry, "evidence.events", EVIDENCE_EVENTS);
        counter(registry, "json.encodings", JSON_ENCODINGS);
        counter(registry, "hand.offs", HAND_OFFS);
        counter(registry, "copies", COPIES);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // Allocation by every thread, those that ended included; virtual threads allocate on their carriers.
        register(registry, "allocated.bytes", threads, com.sun.management.ThreadMXBean::getTotalThreadAllocatedBytes);
        register(registry, "cpu.nanoseconds", os, com.sun.management.OperatingSystemMXBean::getProcessCpuTime);
    }

    private static void counter(MeterRegistry registry, String name, LongAdder adder) {
        register(registry, name, adder, LongAdder::sum);
    }

    private static <T> void register(MeterRegistry registry, String name, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder("tracegate.accounting." + name, source, value)
                .description("cost accounting (-Dtracegate.accounting=true); see docs/benchmarks.md").register(registry);
    }
}
