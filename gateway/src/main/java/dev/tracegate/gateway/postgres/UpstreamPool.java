package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.UpstreamPoolConfig;
import dev.tracegate.gateway.identity.Identity;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
    /** Closes expired backends; started with the first one kept, so a gateway without pools has no such thread. */
    private ScheduledExecutorService expiry;
    private boolean closed;

    /** The pool key of a session, or {@code null} when its connection keeps no pool. */
    static Key key(PostgresConnectionConfig connection, Identity caller, Map<String, String> settings) {
        return connection.upstreamPool() == null ? null
                : new Key(connection, caller.issuer(), caller.subject(), settings);
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
            if (!expired(key, candidate, System.nanoTime()) && candidate.upstream().quietSinceRelease()) {
                return candidate.upstream();
            }
            candidate.upstream().close();
        }
    }

    /** Keeps a reset backend for {@code key}; closes it when the pool is full or closed. */
    void offer(Key key, UpstreamConnection upstream) {
        synchronized (this) {
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
        upstream.close();
    }

    /** Idle backends kept, for tests and operators. */
    synchronized int size() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    private void closeExpired() {
        long now = System.nanoTime();
        List<Idle> expired = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<Key, Deque<Idle>> entry : idle.entrySet()) {
                for (Iterator<Idle> backends = entry.getValue().iterator(); backends.hasNext(); ) {
                    Idle backend = backends.next();
                    if (expired(entry.getKey(), backend, now)) {
                        backends.remove();
                        expired.add(backend);
                    }
                }
            }
            idle.values().removeIf(Deque::isEmpty);
        }
        expired.forEach(backend -> backend.upstream().close());
    }

    private static boolean expired(Key key, Idle backend, long now) {
        UpstreamPoolConfig pool = key.connection().upstreamPool();
        return now - backend.sinceNanos() >= Duration.ofSeconds(pool.idleTimeoutSeconds()).toNanos();
    }

    /** Closes every idle backend; backends offered later are closed at once. */
    @Override
    public void close() {
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
