package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.engine.ClientWatch;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bound {@code upstreamPool.maxSessions} puts on one pool key, as pgbouncer's
 * {@code default_pool_size} bounds the server connections of one pool: at most that many sessions
 * of the key hold a backend at once, and the others wait for one of them to end, in the order they
 * came, for at most the connection's queue timeout.
 *
 * <p>A session holds its slot from before it takes or opens a backend until that backend is kept or
 * closed. So a backend closed instead of kept frees its slot exactly as a kept one does, and the idle
 * backends of a key and its held slots together never exceed the bound: a session that finds no idle
 * backend opens one only while it holds a slot, and a kept backend is idle only after its slot is free.
 *
 * <p>A waiting session's client is looked at while it waits: one that closed its connection gives up
 * its place at once, so the sessions behind it move up and no backend is taken or opened for a
 * client that is gone.
 */
final class BackendSlots implements AutoCloseable {

    /** How long a waiting session waits for its turn between two looks at its client. */
    private static final long LOOK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** A look at a waiting client: long enough to read an end of stream already there, no longer. */
    private static final int LOOK_MILLIS = 1;

    /** A session's right to a backend of its key; closing it (once, later closes do nothing) lets the next in. */
    static final class Slot implements AutoCloseable {

        /** For a pool without a bound: nothing to hold, nothing to free. */
        static final Slot UNBOUNDED = new Slot(null, null, 0);

        private final BackendSlots slots;
        private final UpstreamPool.Key key;
        private final long waitedNanos;
        private final AtomicBoolean freed = new AtomicBoolean();

        private Slot(BackendSlots slots, UpstreamPool.Key key, long waitedNanos) {
            this.slots = slots;
            this.key = key;
            this.waitedNanos = waitedNanos;
        }

        /** How long the session waited for its turn; 0 when a slot was free. */
        long waitedNanos() {
            return waitedNanos;
        }

        @Override
        public void close() {
            if (slots != null && freed.compareAndSet(false, true)) {
                slots.free(key);
            }
        }
    }

    /** Why a session got no slot. */
    enum Refusal {
        /** Its wait ran out. */
        TIMED_OUT,
        /** The gateway is stopping. */
        STOPPING,
        /** Its client closed the connection while it waited: there is no one to tell. */
        CLIENT_LEFT
    }

    /** A session got no slot, and why. */
    static final class NoSlotException extends Exception {
        private final Refusal refusal;

        private NoSlotException(Refusal refusal, String message) {
            super(message);
            this.refusal = refusal;
        }

        Refusal refusal() {
            return refusal;
        }

        /** 53300 (too many connections) for a wait that ran out, as PostgreSQL's own at max_connections; 57P01 when stopping. */
        String sqlState() {
            return refusal == Refusal.TIMED_OUT ? "53300" : "57P01";
        }
    }

    /** One key's sessions: how many hold a slot, and who waits, oldest first (true: granted, false: stopping). */
    private static final class Line {
        private int holding;
        private final Deque<CompletableFuture<Boolean>> waiting = new ArrayDeque<>();
    }

    private final Map<UpstreamPool.Key, Line> lines = new HashMap<>();
    private boolean closed;

    /**
     * A slot of {@code key}: at once while fewer than {@code maxSessions} are held and nobody waits
     * (a newcomer never overtakes a waiting session), otherwise when the sessions ahead have had theirs,
     * unless {@code client} is seen gone first.
     */
    Slot acquire(UpstreamPool.Key key, int maxSessions, Duration timeout, ClientWatch client) throws NoSlotException {
        long start = System.nanoTime();
        CompletableFuture<Boolean> turn;
        synchronized (this) {
            if (closed) {
                throw stopping();
            }
            Line line = lines.computeIfAbsent(key, k -> new Line());
            if (line.waiting.isEmpty() && line.holding < maxSessions) {
                line.holding++;
                return new Slot(this, key, 0);
            }
            turn = new CompletableFuture<>();
            line.waiting.addLast(turn);
        }
        boolean granted;
        try {
            granted = await(turn, start + timeout.toNanos(), client);
        } catch (TimeoutException e) {
            if (withdraw(key, turn)) {
                throw new NoSlotException(Refusal.TIMED_OUT, "no upstream session of connection \""
                        + key.connection().name() + "\" became free within " + timeout.toSeconds()
                        + " s (upstreamPool.maxSessions is " + maxSessions
                        + " per caller and start-up settings); try again later");
            }
            granted = turn.join(); // given a slot, or told the gateway stops, as the wait ran out
        } catch (ClientLeftException e) {
            giveUp(key, turn);
            throw new NoSlotException(Refusal.CLIENT_LEFT,
                    "client left while waiting for an upstream session (upstreamPool.maxSessions)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveUp(key, turn);
            throw stopping();
        }
        if (!granted) {
            throw stopping();
        }
        return new Slot(this, key, Math.max(1, System.nanoTime() - start));
    }

    /** The client of a waiting session closed its connection. */
    private static final class ClientLeftException extends Exception {
    }

    /**
     * Waits for {@code turn} until {@code deadline}, looking at the client between waits until it
     * is seen gone or sends more (then looking again would only see the same bytes).
     */
    private static boolean await(CompletableFuture<Boolean> turn, long deadline, ClientWatch client)
            throws TimeoutException, ClientLeftException, InterruptedException {
        boolean watching = true;
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                return turn.get(watching ? Math.min(left, LOOK_EVERY_NANOS) : left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a turn is only ever completed normally", e);
            } catch (TimeoutException e) {
                if (!watching || deadline - System.nanoTime() <= 0) {
                    throw e;
                }
                ClientWatch.Seen seen = look(client);
                if (seen == ClientWatch.Seen.GONE) {
                    throw new ClientLeftException();
                }
                watching = seen == ClientWatch.Seen.NOTHING;
            }
        }
    }

    private static ClientWatch.Seen look(ClientWatch client) {
        try {
            return client.look(LOOK_MILLIS);
        } catch (IOException e) {
            return ClientWatch.Seen.GONE;
        }
    }

    /** Leaves the line; a slot granted meanwhile passes straight on to the next session. */
    private void giveUp(UpstreamPool.Key key, CompletableFuture<Boolean> turn) {
        if (!withdraw(key, turn) && turn.join()) {
            new Slot(this, key, 0).close();
        }
    }

    /** Sessions waiting for a slot of {@code connection}, whoever's. */
    synchronized int waiting(String connection) {
        return lines.entrySet().stream().filter(entry -> entry.getKey().connection().name().equals(connection))
                .mapToInt(entry -> entry.getValue().waiting.size()).sum();
    }

    /** Hands the slot to the oldest waiting session of the key, or gives it back. */
    private synchronized void free(UpstreamPool.Key key) {
        Line line = lines.get(key);
        CompletableFuture<Boolean> next = line.waiting.pollFirst();
        if (next != null) {
            next.complete(true); // the slot passes on: holding stays
            return;
        }
        line.holding--;
        if (line.holding == 0) {
            lines.remove(key);
        }
    }

    /** Takes a waiting session out of its line; false when it was given a slot (or told to stop) first. */
    private synchronized boolean withdraw(UpstreamPool.Key key, CompletableFuture<Boolean> turn) {
        Line line = lines.get(key);
        return line != null && line.waiting.remove(turn);
    }

    private static NoSlotException stopping() {
        return new NoSlotException(Refusal.STOPPING, "the gateway is shutting down");
    }

    /** Tells every waiting session the gateway stops; later sessions are told at once. Held slots are freed as usual. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Line line : lines.values()) {
            for (CompletableFuture<Boolean> turn; (turn = line.waiting.pollFirst()) != null; ) {
                turn.complete(false);
            }
        }
    }
}
