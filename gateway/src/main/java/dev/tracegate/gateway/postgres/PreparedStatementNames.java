package dev.tracegate.gateway.postgres;

import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.PreparedText;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import dev.tracegate.policy.sql.StatementClass;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The class of each prepared statement a session's SQL can run by name ({@code EXECUTE name}).
 * PostgreSQL keeps one namespace for statements prepared by SQL {@code PREPARE} and by the
 * extended protocol's Parse, so each can be run, and removed, by the other's means: a Parse or a
 * Close changes what {@code EXECUTE name} runs, and {@code DEALLOCATE name} what a Bind may use.
 * A name the gateway cannot account for has no class here, and running it is UNKNOWN (high risk).
 *
 * <p>A name is noted as soon as a statement that may prepare it is sent (the stricter way: a
 * second PREPARE of a name fails on the server, so both count), but forgotten only once the
 * server has confirmed the statement that drops it ran ({@link Forgetting}): a name forgotten
 * too early lets the next {@code PREPARE} of it, which the server refuses, stand for the statement
 * the server still runs under it. {@code DISCARD PLANS}, a {@code DEALLOCATE} behind an error in the
 * same query or in an aborted transaction, a refused query and a skipped Close each left the
 * server's statement in place while the gateway forgot it.
 *
 * <p>The client-side relay notes and the server-side relay confirms, so every method locks.
 */
final class PreparedStatementNames {

    /** PostgreSQL's NAMEDATALEN - 1: names are cut to this many bytes. */
    private static final int MAX_NAME_BYTES = 63;

    private final Map<String, PreparedText> classes = new HashMap<>();

    /**
     * The names a statement drops once the server confirms it ran, each with what it ran when the
     * statement was sent: a name prepared again since keeps what it has (the stricter way).
     */
    record Forgetting(Map<String, PreparedText> names) {

        static final Forgetting NONE = new Forgetting(Map.of());

        Forgetting {
            names = Map.copyOf(names);
        }

        Forgetting and(Forgetting other) {
            if (other.names.isEmpty()) {
                return this;
            }
            if (names.isEmpty()) {
                return other;
            }
            Map<String, PreparedText> both = new HashMap<>(names);
            both.putAll(other.names);
            return new Forgetting(both);
        }
    }

    /** The statement prepared as {@code name} (class, tables, text), as {@code EXECUTE name} looks it up. */
    synchronized Optional<PreparedText> prepared(String name) {
        return Optional.ofNullable(classes.get(key(name)));
    }

    /**
     * A statement going to the server: what it prepares is noted now, and what it drops
     * ({@code DEALLOCATE name}, {@code DEALLOCATE ALL}, {@code DISCARD ALL}) is returned, to be
     * {@link #forget forgotten} when the server confirms it ran. A {@code DEALLOCATE} spelled in a
     * way not read here drops nothing the gateway forgets: the names keep their statements' classes.
     */
    synchronized Forgetting sent(ClassifiedStatement statement) {
        statement.prepares().ifPresent(name -> note(key(name), PreparedText.of(statement)));
        if (!mayDrop(statement)) {
            return Forgetting.NONE;
        }
        List<SqlToken> tokens = tokens(statement.text());
        if (tokens.size() == 2 && tokens.get(0).isWord("discard") && tokens.get(1).isWord("all")) {
            return new Forgetting(classes);
        }
        if (tokens.isEmpty() || !tokens.get(0).isWord("deallocate")) {
            return Forgetting.NONE; // DISCARD PLANS, TEMP, SEQUENCES: no prepared statement goes
        }
        int at = tokens.size() > 1 && tokens.get(1).isWord("prepare") ? 2 : 1;
        if (tokens.size() != at + 1 || !tokens.get(at).isIdentifier()) {
            return Forgetting.NONE;
        }
        return tokens.get(at).isWord("all") ? new Forgetting(classes) : forgetting(tokens.get(at).text());
    }

    /** A Parse of a named statement: {@code EXECUTE name} may now run it (a refused one creates nothing). */
    synchronized void parsed(String name, PreparedText statement, boolean admitted) {
        if (name.isEmpty() || !admitted) {
            return; // the unnamed statement cannot be run by SQL; a refused Parse's stand-in prepares nothing
        }
        note(key(name), statement != null ? statement : PreparedText.ofClass(StatementClass.UNKNOWN));
    }

    /** A Close of a named statement: what to forget once the server answers CloseComplete. */
    synchronized Forgetting closing(String name) {
        return forgetting(name);
    }

    /** The server confirmed a statement that drops names ran: each goes unless prepared again since. */
    synchronized void forget(Forgetting forgetting) {
        forgetting.names().forEach(classes::remove);
    }

    /**
     * How the gateway rules and records a Bind/Execute of {@code name}, a statement it did not see
     * parsed (one prepared by SQL): as the {@code EXECUTE} of it.
     */
    static String asExecute(String name) {
        return "EXECUTE " + (name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"");
    }

    /** A second statement under a name the server may still hold: a PREPARE of it fails there, so both count. */
    private void note(String key, PreparedText statement) {
        classes.merge(key, statement, (held, added) -> held.equals(added) ? held : held.orRiskier(added));
    }

    private Forgetting forgetting(String name) {
        PreparedText held = classes.get(key(name));
        return held == null ? Forgetting.NONE : new Forgetting(Map.of(key(name), held));
    }

    /** Only statements the classifier named DEALLOCATE or DISCARD, or nothing, are lexed again. */
    private static boolean mayDrop(ClassifiedStatement statement) {
        String command = statement.command() == null ? "" : statement.command().toUpperCase(Locale.ROOT);
        return command.isEmpty() || command.startsWith("DEALLOCATE") || command.startsWith("DISCARD");
    }

    private static List<SqlToken> tokens(String text) {
        List<SqlStatement> statements = SqlScriptSplitter.split(text);
        if (statements.size() != 1) {
            return List.of();
        }
        return statements.getFirst().tokens().stream()
                .filter(t -> t.kind() != SqlToken.Kind.SEMICOLON && t.kind() != SqlToken.Kind.COMMENT).toList();
    }

    /**
     * A name as PostgreSQL keys it: exactly as the classifier reports it (unquoted words folded to
     * lower case, quoted identifiers as written), the first 63 bytes of it (NAMEDATALEN), so that
     * {@code "DEL"} and {@code del}, different statements, are never one entry, and a name longer
     * than PostgreSQL keeps is the statement PostgreSQL runs by its first 63 bytes.
     */
    private static String key(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_NAME_BYTES) {
            return name;
        }
        int end = MAX_NAME_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // PostgreSQL cuts at a character boundary
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
