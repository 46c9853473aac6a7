package dev.tracegate.gateway.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.SourceAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission by memory: the sessions the gateway's heap holds, gateway-wide, across every listener.
 * Each open session (a PostgreSQL, MySQL or SSH connection from accept to close, an HTTP request
 * while it is in flight) takes a place of {@code limits.heapPerSessionKiB}; the places are the
 * heap ({@code -Xmx}) less {@code limits.heapReservedMiB} kept for the gateway's own work (the
 * evidence log's queues, the query index, the API, caches). When every place is taken a new
 * session is refused in its protocol's own way, and the sessions already open keep their memory,
 * instead of the JVM running out of heap for everyone at once.
 *
 * <p>Refusals are counted ({@link #refused()}, a metric), warned about in the gateway's log and
 * recorded as {@code session.refused} events, at most one per {@link #RECORD_INTERVAL} with the
 * number refused since the last, so a flood at the limit cannot flood the log.
 */
public final class SessionMemory {

    static final Duration RECORD_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(SessionMemory.class);

    private final long heapBytes;
    private final CallerLimits limits;
    private final int capacity;
    private final Consumer<EvidenceEvent> evidence;
    private final LongSupplier nanoTime;
    private int open;
    private long refused;
    private long refusedUnrecorded;
    private long lastRecordedNanos;
    private boolean recordedOnce;

    /**
     * @param heapBytes the heap the JVM may grow to ({@link Runtime#maxMemory()})
     * @param evidence  where refusals are recorded (the evidence log's append)
     */
    public SessionMemory(long heapBytes, CallerLimits limits, Consumer<EvidenceEvent> evidence, LongSupplier nanoTime) {
        this.heapBytes = heapBytes;
        this.limits = limits;
        this.evidence = evidence;
        this.nanoTime = nanoTime;
        long reserved = Math.min(limits.heapReservedMiB() * 1024L * 1024L, heapBytes / 2);
        this.capacity = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (heapBytes - reserved) / (limits.heapPerSessionKiB() * 1024L)));
        if (reserved < limits.heapReservedMiB() * 1024L * 1024L) {
            LOG.warn("the heap ({} MiB) is less than twice limits.heapReservedMiB ({} MiB): half of it is kept for the"
                    + " gateway's own work instead; raise -Xmx", heapBytes >> 20, limits.heapReservedMiB());
        }
    }

    /** For the running JVM's heap. */
    public static SessionMemory ofThisJvm(CallerLimits limits, EvidenceLog evidence) {
        return new SessionMemory(Runtime.getRuntime().maxMemory(), limits, evidence::append, System::nanoTime);
    }

    /** How many sessions the heap holds at once. */
    public int capacity() {
        return capacity;
    }

    public synchronized int open() {
        return open;
    }

    /** Sessions refused since the gateway started because the heap held no more. */
    public synchronized long refused() {
        return refused;
    }

    /**
     * A place for a new session, or the refusal its client is told.
     *
     * @param protocol what the session speaks, for the evidence
     * @param source   where it comes from, for the evidence; may be null
     */
    public Place take(String protocol, SourceAddress source) throws TooManyConnectionsException {
        synchronized (this) {
            if (open < capacity) {
                open++;
                return new Place();
            }
            refused++;
            refusedUnrecorded++;
        }
        String reason = refusal();
        record(protocol, source, reason);
        throw new TooManyConnectionsException(reason);
    }

    /** What a refused client reads: the limit, its setting, and that it is the gateway's memory, not the caller. */
    String refusal() {
        return "too many connections: the gateway's memory holds " + capacity + " sessions (limits.heapPerSessionKiB = "
                + limits.heapPerSessionKiB() + " KiB each, of a " + (heapBytes >> 20) + " MiB heap less limits.heapReservedMiB)"
                + " and all of them are in use; try again later";
    }

    private void record(String protocol, SourceAddress source, String reason) {
        long count;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (recordedOnce && now - lastRecordedNanos < RECORD_INTERVAL.toNanos()) {
                return;
            }
            recordedOnce = true;
            lastRecordedNanos = now;
            count = refusedUnrecorded;
            refusedUnrecorded = 0;
        }
        LOG.warn("{} new session(s) refused: {}", count, reason);
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("limit", "limits.heapPerSessionKiB");
        detail.put("reason", reason);
        detail.put("protocol", protocol);
        if (source != null) {
            detail.put("source", source.toString());
        }
        detail.put("count", count);
        detail.put("capacity", capacity);
        evidence.accept(new EvidenceEvent(Instant.now(), EventType.SESSION_REFUSED, EvidenceEvent.UNAUTHENTICATED,
                null, null, null, detail));
    }

    private synchronized void release() {
        open--;
    }

    /** One session's share of the heap; closing it gives the share back (once). */
    public final class Place implements AutoCloseable {
        private boolean closed;

        private Place() {
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release();
        }
    }
}
