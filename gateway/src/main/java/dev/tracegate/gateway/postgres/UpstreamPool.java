package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.UpstreamPoolConfig;
import dev.tracegate.gateway.engine.ClientWatch;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.postgres.UpstreamPoolCounts.Discard;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Idle upstream sessions of the connections that keep them ({@code upstreamPool}), for the next
 * session of the same caller with the same start-up settings. A backend only comes here after its
 * session ended idle and the gateway's {@code DISCARD ALL} answered cleanly (the session decides
 * that); here it waits at most the connection's idleTimeout, and one the server ended meanwhile
 * is closed when found, never handed out.
 */
final class UpstreamPool implements AutoCloseable {

    /**
     * Who may take a pooled backend. The connection fixes the upstream role and credential; the
     * caller keeps one caller's backend from ever serving another; the forwarded start-up settings
     * are what {@code RESET ALL} returns to, so they must be the new client's own.
     */
    record Key(PostgresConnectionConfig connection, String issuer, String subject, Map<String, String> settings) {
        Key {
            settings = Map.copyOf(settings);
        }
    }

    private record Idle(UpstreamConnection upstream, long sinceNanos) {
    }

    private final Map<Key, Deque<Idle>> idle = new HashMap<>();
    /** The sessions that may hold a backend at once, per key, for the connections that set maxSessions. */
    private final BackendSlots slots = new BackendSlots();
    /** By connection name: what each connection's pool did, for the metrics. */
    private final Map<String, UpstreamPoolCounts> counts = new ConcurrentHashMap<>();
    /** Closes expired backends; started with the first one kept, so a gateway without pools has no such thread. */
    private ScheduledExecutorService expiry;
    private boolean closed;

    /** The pool key of a session, or {@code null} when its connection keeps no pool. */
    static Key key(PostgresConnectionConfig connection, Identity caller, Map<String, String> settings) {
        return connection.upstreamPool() == null ? null
                : new Key(connection, caller.issuer(), caller.subject(), settings);
    }

    /**
     * The session's turn to hold a backend of {@code key}: at once when its connection sets no
     * maxSessions, otherwise when fewer than that many sessions of the key hold one, after those
     * that came first, unless {@code client} leaves meanwhile. The caller closes the slot once its
     * backend is kept or closed.
     */
    BackendSlots.Slot admit(Key key, ClientWatch client) throws BackendSlots.NoSlotException {
        UpstreamPoolConfig pool = key.connection().upstreamPool();
        if (!pool.queues()) {
            return BackendSlots.Slot.UNBOUNDED;
        }
        try {
            BackendSlots.Slot slot = slots.acquire(key, pool.maxSessions(),
                    Duration.ofSeconds(pool.queueTimeoutSeconds()), client);
            if (slot.waitedNanos() > 0) {
                counts(key).waited(slot.waitedNanos());
            }
            return slot;
        } catch (BackendSlots.NoSlotException e) {
            if (e.refusal() == BackendSlots.Refusal.TIMED_OUT) {
                counts(key).timedOut();
            }
            throw e;
        }
    }

    /** The most recently released live backend for {@code key}, or {@code null} when there is none. */
    UpstreamConnection take(Key key) {
        while (true) {
            Idle candidate;
            synchronized (this) {
                Deque<Idle> backends = idle.get(key);
                candidate = backends == null ? null : backends.pollFirst();
            }
            if (candidate == null) {
                return null;
            }
            boolean expired = expired(key, candidate, System.nanoTime());
            if (!expired && candidate.upstream().quietSinceRelease()) {
                return candidate.upstream();
            }
            discard(key, candidate.upstream(), expired ? Discard.EXPIRED : Discard.SERVER_ENDED_WHILE_IDLE);
        }
    }

    /** Keeps a reset backend for {@code key}; closes it when the pool is full or closed. */
    void offer(Key key, UpstreamConnection upstream) {
        boolean stopping;
        synchronized (this) {
            stopping = closed;
            Deque<Idle> backends = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (!closed && backends.size() < key.connection().upstreamPool().maxIdle()) {
                backends.addFirst(new Idle(upstream, System.nanoTime()));
                if (expiry == null) {
                    expiry = Executors.newSingleThreadScheduledExecutor(
                            Thread.ofPlatform().name("pg-upstream-pool").daemon().factory());
                    expiry.scheduleWithFixedDelay(this::closeExpired, 1, 1, TimeUnit.SECONDS);
                }
                return;
            }
        }
        if (stopping) {
            upstream.close(); // the gateway is stopping: not a pool's doing
        } else {
            discard(key, upstream, Discard.POOL_FULL);
        }
    }

    /** Counts a session of a pooled connection: on a kept backend, or on one it opened. */
    void started(Key key, boolean reused) {
        counts(key).started(reused);
    }

    /** Counts a backend closed instead of kept, and why. */
    void count(Key key, Discard reason) {
        counts(key).discarded(reason);
    }

    private void discard(Key key, UpstreamConnection upstream, Discard reason) {
        count(key, reason);
        upstream.close();
    }

    /** Registers the pool's meters of {@code connection}, which keeps a pool; docs/operations.md says what each means. */
    void bindTo(MeterRegistry registry, PostgresConnectionConfig connection) {
        String name = connection.name();
        UpstreamPoolCounts of = counts.computeIfAbsent(name, n -> new UpstreamPoolCounts());
        Gauge.builder("tracegate.upstream.pool.idle", this, pool -> pool.idle(name))
                .description("idle upstream backends kept for reuse").tag("connection", name).register(registry);
        FunctionCounter.builder("tracegate.upstream.pool.sessions", of, UpstreamPoolCounts::reused)
                .description("sessions of a pooled connection, by whether they reused a kept backend or opened one")
                .tags("connection", name, "backend", "reused").register(registry);
        FunctionCounter.builder("tracegate.upstream.pool.sessions", of, UpstreamPoolCounts::opened)
                .description("sessions of a pooled connection, by whether they reused a kept backend or opened one")
                .tags("connection", name, "backend", "opened").register(registry);
        for (Discard reason : Discard.values()) {
            FunctionCounter.builder("tracegate.upstream.pool.closed", of, c -> c.closed(reason))
                    .description("upstream backends closed instead of kept or handed out, by why")
                    .tags("connection", name, "reason", reason.label()).register(registry);
        }
        if (connection.upstreamPool().queues()) {
            Gauge.builder("tracegate.upstream.pool.waiting", slots, s -> s.waiting(name))
                    .description("sessions waiting for a backend under maxSessions").tag("connection", name)
                    .register(registry);
            FunctionTimer.builder("tracegate.upstream.pool.wait", of, UpstreamPoolCounts::waits,
                            UpstreamPoolCounts::waitedNanos, TimeUnit.NANOSECONDS)
                    .description("sessions that waited for a backend under maxSessions and got one, and their wait")
                    .tag("connection", name).register(registry);
            FunctionCounter.builder("tracegate.upstream.pool.queue.timeouts", of, UpstreamPoolCounts::timeouts)
                    .description("sessions refused because no backend became free within queueTimeoutSeconds")
                    .tag("connection", name).register(registry);
        }
    }

    private UpstreamPoolCounts counts(Key key) {
        return counts.computeIfAbsent(key.connection().name(), n -> new UpstreamPoolCounts());
    }

    /** Idle backends kept for {@code connection}, whoever's they are. */
    private synchronized int idle(String connection) {
        return idle.entrySet().stream().filter(entry -> entry.getKey().connection().name().equals(connection))
                .mapToInt(entry -> entry.getValue().size()).sum();
    }

    private void closeExpired() {
        long now = System.nanoTime();
        Map<Idle, Key> expired = new HashMap<>();
        synchronized (this) {
            for (Map.Entry<Key, Deque<Idle>> entry : idle.entrySet()) {
                for (Iterator<Idle> backends = entry.getValue().iterator(); backends.hasNext(); ) {
                    Idle backend = backends.next();
                    if (expired(entry.getKey(), backend, now)) {
                        backends.remove();
                        expired.put(backend, entry.getKey());
                    }
                }
            }
            idle.values().removeIf(Deque::isEmpty);
        }
        expired.forEach((backend, key) -> discard(key, backend.upstream(), Discard.EXPIRED));
    }

    private static boolean expired(Key key, Idle backend, long now) {
        UpstreamPoolConfig pool = key.connection().upstreamPool();
        return now - backend.sinceNanos() >= Duration.ofSeconds(pool.idleTimeoutSeconds()).toNanos();
    }

    /**
     * Tells every session waiting for a backend that the gateway stops, and closes every idle
     * backend; backends offered later are closed at once.
     */
    @Override
    public void close() {
        slots.close();
        List<Idle> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            if (expiry != null) {
                expiry.shutdownNow();
            }
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(backend -> backend.upstream().close());
    }
}
