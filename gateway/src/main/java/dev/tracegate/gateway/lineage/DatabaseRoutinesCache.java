package dev.tracegate.gateway.lineage;

import dev.tracegate.policy.sql.CalledCode;
import dev.tracegate.policy.sql.DatabaseRoutines;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The upstream's own routines, triggers and rules ({@link DatabaseRoutines}) as the classifier asks
 * for them ({@link CalledCode}), kept per upstream as the catalog snapshots are: an answer is reused
 * for a few seconds, read again after a schema change through the gateway, and read again when a
 * statement calls a name it knows neither as the server's nor as the database's (a routine made
 * since), once per name and answer, so that a keyword or table name before a bracket costs one read
 * at most. A catalog that cannot answer gives null: the classifier fails closed. Thread-safe.
 */
public final class DatabaseRoutinesCache implements CalledCode.Catalog {

    /** Reads the answer from one upstream's catalog. */
    @FunctionalInterface
    public interface Reader {
        DatabaseRoutines read() throws CatalogUnavailableException;
    }

    private static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final Reader reader;
    private DatabaseRoutines current;
    private long takenNanos;
    private long freshUntilNanos;
    /** Names the current answer was read again for and still does not know. */
    private final Set<String> notRoutines = new HashSet<>();

    public DatabaseRoutinesCache(Reader reader) {
        this.reader = reader;
    }

    @Override
    public synchronized DatabaseRoutines current() {
        long now = System.nanoTime();
        if (current == null || now - takenNanos > MAX_AGE.toNanos() || now < freshUntilNanos) {
            return fresh();
        }
        return current;
    }

    @Override
    public synchronized DatabaseRoutines knowing(Set<String> names) {
        DatabaseRoutines answer = current();
        if (answer == null || notRoutines.containsAll(names)) {
            return answer;
        }
        answer = fresh();
        if (answer != null) {
            notRoutines.addAll(names);
        }
        return answer;
    }

    /** A statement that may change the schema went through: read the code again for a few seconds. */
    @Override
    public synchronized void schemaMayChange() {
        freshUntilNanos = System.nanoTime() + MAX_AGE.toNanos();
    }

    private DatabaseRoutines fresh() {
        try {
            current = reader.read();
            takenNanos = System.nanoTime();
            notRoutines.clear();
            return current;
        } catch (CatalogUnavailableException e) {
            current = null;
            return null;
        }
    }
}
