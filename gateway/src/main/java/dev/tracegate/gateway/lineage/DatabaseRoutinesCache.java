package dev.tracegate.gateway.lineage;

import dev.tracegate.policy.sql.CalledCode;
import dev.tracegate.policy.sql.DatabaseRoutines;
import java.util.HashSet;
import java.util.Set;

/**
 * The upstream's own routines, triggers and rules ({@link DatabaseRoutines}) as the classifier asks
 * for them ({@link CalledCode}), kept per upstream as the catalog snapshots are: an answer is reused
 * for a few seconds, read again after a schema change through the gateway, and read again when a
 * statement calls a name it knows neither as the server's nor as the database's (a routine made
 * since), once per name and answer, so that a keyword or table name before a bracket costs one read
 * at most (a {@link CatalogAnswer}: no lock on the path of a statement while the answer is young). A
 * catalog that cannot answer gives null: the classifier fails closed. Thread-safe.
 */
public final class DatabaseRoutinesCache implements CalledCode.Catalog {

    /** Reads the answer from one upstream's catalog. */
    @FunctionalInterface
    public interface Reader {
        DatabaseRoutines read() throws CatalogUnavailableException;
    }

    /** Reads the version of the upstream's code as {@link DatabaseRoutines#version} holds it. */
    @FunctionalInterface
    public interface VersionReader {
        String read() throws CatalogUnavailableException;
    }

    private final CatalogAnswer<DatabaseRoutines> answers;
    /**
     * The code's version, read for each confirmation as a group: statements confirming together share
     * one reading begun after they asked ({@link CatalogAnswer#readAgain}), so sessions calling
     * routines at once do not queue one catalog query each on the upstream's one catalog connection.
     */
    private final CatalogAnswer<String> versions;
    /** Names an answer was read again for and still does not know, with that answer. */
    private record NotRoutines(DatabaseRoutines answer, Set<String> names) {
    }

    private volatile NotRoutines notRoutines = new NotRoutines(null, Set.of());

    /** A cache whose answers are never confirmed: read again only as they age or as schema changes go through. */
    public DatabaseRoutinesCache(Reader reader) {
        this(reader, () -> null);
    }

    /** A cache that confirms an answer by the catalog's version before a routine it names is judged by it. */
    public DatabaseRoutinesCache(Reader reader, VersionReader versions) {
        this.answers = new CatalogAnswer<>(reader::read);
        this.versions = new CatalogAnswer<>(versions::read);
    }

    /**
     * The answer, or one read now when the code's version on the server is no longer the one it was
     * read at: a routine replaced straight on the server, or through another gateway, within the
     * answer's few seconds is judged by the body that will run. One query of the catalog per statement
     * that runs a routine of the database's own (shared by the statements confirming at the same time);
     * none for the others.
     */
    @Override
    public DatabaseRoutines confirmed(DatabaseRoutines answer) {
        if (answer.version() == null) {
            return answer;
        }
        try {
            return answer.version().equals(versions.readAgain()) ? answer : answers.readAgain();
        } catch (CatalogUnavailableException e) {
            return null;
        }
    }

    /** How many statements wait for a reading of the version now (for tests). */
    int confirmationsWaiting() {
        return versions.waiting();
    }

    @Override
    public DatabaseRoutines current() {
        try {
            return answers.current();
        } catch (CatalogUnavailableException e) {
            return null;
        }
    }

    @Override
    public DatabaseRoutines knowing(Set<String> names) {
        DatabaseRoutines answer = current();
        NotRoutines known = notRoutines;
        if (answer == null || known.answer() == answer && known.names().containsAll(names)) {
            return answer;
        }
        try {
            answer = answers.readAgain();
        } catch (CatalogUnavailableException e) {
            return null;
        }
        synchronized (this) {
            Set<String> still = new HashSet<>(notRoutines.answer() == answer ? notRoutines.names() : Set.of());
            still.addAll(names);
            notRoutines = new NotRoutines(answer, Set.copyOf(still));
        }
        return answer;
    }

    /** A statement that may change the schema went through: read the code again for a few seconds. */
    @Override
    public void schemaMayChange() {
        answers.schemaMayChange();
    }
}
