package dev.tracegate.gateway.lineage;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One answer of an upstream's catalog that every session's statements ask for, kept for a few
 * seconds and read again by one session at a time.
 *
 * <p>Asking is a volatile read while the answer is young: no lock on the path of every statement.
 * An answer grown old is read again by the first statement that finds it so, while the others keep
 * using it meanwhile (they would have used it a moment earlier anyway). After a schema change went
 * through the gateway ({@link #schemaMayChange}), and until it has surely finished, a statement takes
 * only an answer whose reading began after it asked, so a function replaced a moment ago is seen as
 * it is now; statements asking together share one reading instead of each making its own, as the
 * writers of one group commit share a write. A catalog that cannot answer is asked again by the next
 * statement. Thread-safe.
 *
 * @param <T> the answer
 */
public final class CatalogAnswer<T> {

    /** Reads the answer from the upstream's catalog. */
    @FunctionalInterface
    public interface Reader<T> {
        T read() throws CatalogUnavailableException;
    }

    /** An answer (or why there is none) and when its reading began. */
    private record Taken<T>(T answer, CatalogUnavailableException failure, long startedNanos) {
    }

    private static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final Reader<T> reader;
    private final long maxAgeNanos;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Taken<T> current;
    private volatile long changedNanos;

    public CatalogAnswer(Reader<T> reader) {
        this(reader, MAX_AGE);
    }

    /** With answers kept for {@code maxAge} (and a schema change awaited as long). */
    CatalogAnswer(Reader<T> reader, Duration maxAge) {
        this.reader = reader;
        this.maxAgeNanos = maxAge.toNanos();
        this.changedNanos = System.nanoTime() - 2 * maxAgeNanos;
    }

    /** An answer no older than a few seconds, and read after this call began while a schema change may be under way. */
    public T current() throws CatalogUnavailableException {
        long asked = System.nanoTime();
        boolean changing = asked - changedNanos < maxAgeNanos;
        Taken<T> taken = current;
        if (taken != null && taken.failure() == null && taken.startedNanos() - (asked - maxAgeNanos) >= 0
                && !changing) {
            return taken.answer();
        }
        if (!changing && taken != null && taken.failure() == null) {
            // Old by age only: one statement reads again, the others keep the answer meanwhile.
            if (!reading.tryLock()) {
                return taken.answer();
            }
            try {
                return current == taken ? read() : answerOf(current);
            } finally {
                reading.unlock();
            }
        }
        return readAfter(asked);
    }

    /** An answer whose reading began after this call did: for a name the current answer does not know. */
    public T readAgain() throws CatalogUnavailableException {
        return readAfter(System.nanoTime());
    }

    /** A statement that may change the schema went through: for a few seconds, answers are read after they are asked for. */
    public void schemaMayChange() {
        changedNanos = System.nanoTime();
    }

    /** How many statements wait for a reading now (for tests). */
    int waiting() {
        return reading.getQueueLength();
    }

    private T readAfter(long asked) throws CatalogUnavailableException {
        reading.lock();
        try {
            Taken<T> taken = current;
            // A reading that began after this statement asked (another statement's, while this one waited) serves it too.
            if (taken != null && taken.failure() == null && taken.startedNanos() - asked >= 0) {
                return taken.answer();
            }
            return read();
        } finally {
            reading.unlock();
        }
    }

    /** Reads the answer; the caller holds {@link #reading}. */
    private T read() throws CatalogUnavailableException {
        long started = System.nanoTime();
        try {
            current = new Taken<>(reader.read(), null, started);
        } catch (CatalogUnavailableException e) {
            current = new Taken<>(null, e, started);
        }
        return answerOf(current);
    }

    private static <T> T answerOf(Taken<T> taken) throws CatalogUnavailableException {
        if (taken.failure() != null) {
            throw taken.failure();
        }
        return taken.answer();
    }
}
