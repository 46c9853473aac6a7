package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.guard.SessionCursors;
import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The query of each cursor a session's SQL declared ({@code DECLARE name ... FOR query}), so that a
 * {@code FETCH} or {@code MOVE}, which names only the cursor, can be judged by the query it reads
 * under the policy in force when it runs: a cursor declared {@code WITH HOLD} outlives its
 * transaction, and a policy reload may have masked the caller since it was declared.
 *
 * <p>A {@code DECLARE} is noted when it is sent, beside what the name already reads: the server
 * refuses to declare a name whose cursor still exists and keeps that cursor, so until it confirms
 * the DECLARE ran, a FETCH is judged by every query the name may read. Once it ran (its query string
 * or Execute answered without an error) the name reads its query alone; a {@code CLOSE} takes the
 * name away only then. Until 2026-12-07 the second DECLARE replaced the first when sent: a masked
 * caller's {@code DECLARE c CURSOR WITH HOLD FOR SELECT 'x'}, refused by the server, made {@code
 * FETCH c} of a cursor of {@code upper(name)} declared before a reload pass in clear.
 * A cursor that ended with its transaction is kept, which only judges a later fetch of that name by
 * a query that no longer runs (the stricter way).
 *
 * <p>The client-side relay notes and the server-side relay confirms, so every method locks.
 */
final class DeclaredCursors implements SessionCursors {

    /** Each name's DECLARE texts, the one the server runs among them; a list is replaced, never changed. */
    private final Map<String, List<String>> queries = new HashMap<>();

    /**
     * What a statement sent to the server declares (noted now) and what it declares or closes once the
     * server confirms it ran: run the result then; {@code null} for nothing.
     */
    synchronized Runnable ran(ClassifiedStatement statement) {
        if (!mayDeclareOrClose(statement)) {
            return null; // nearly every statement: not lexed a second time
        }
        List<SqlToken> tokens = tokens(statement.text());
        if (tokens.size() < 2) {
            return null;
        }
        if (isDeclare(tokens)) {
            String name = tokens.get(1).text();
            List<String> noted = note(name, statement.text());
            List<String> declared = List.of(statement.text());
            return () -> settle(Map.of(name, noted), declared);
        }
        if (tokens.getFirst().isWord("close")) {
            Map<String, List<String>> closed = tokens.get(1).isWord("all") ? Map.copyOf(queries)
                    : queries.containsKey(tokens.get(1).text())
                    ? Map.of(tokens.get(1).text(), queries.get(tokens.get(1).text())) : Map.of();
            return closed.isEmpty() ? null : () -> settle(closed, null);
        }
        return null;
    }

    /**
     * A Parse of a {@code DECLARE} (pgjdbc sends every statement so): its cursor exists once the
     * statement runs, so it is noted now, the stricter way; its Execute settles it ({@link #ran}).
     */
    synchronized void parsed(ClassifiedStatement statement) {
        if (!mayDeclareOrClose(statement)) {
            return;
        }
        List<SqlToken> tokens = tokens(statement.text());
        if (tokens.size() >= 2 && isDeclare(tokens)) {
            note(tokens.get(1).text(), statement.text());
        }
    }

    /** The name may read {@code text} too, as well as what it read. */
    private List<String> note(String name, String text) {
        List<String> held = queries.getOrDefault(name, List.of());
        if (held.contains(text)) {
            return held;
        }
        List<String> both = new ArrayList<>(held);
        both.add(text);
        List<String> noted = List.copyOf(both);
        queries.put(name, noted);
        return noted;
    }

    /** The server ran it: each name still as noted then reads {@code declared} alone, or none when closed. */
    private synchronized void settle(Map<String, List<String>> noted, List<String> declared) {
        noted.forEach((name, texts) -> {
            if (queries.get(name) == texts) {
                if (declared == null) {
                    queries.remove(name);
                } else {
                    queries.put(name, declared);
                }
            }
        });
    }

    /**
     * The classifier already named the statement's command by its first keyword ({@code DECLARE
     * CURSOR}, {@code DECLARE} when unrecognised, {@code CLOSE}): only those, and a statement it
     * named nothing, are lexed here.
     */
    private static boolean mayDeclareOrClose(ClassifiedStatement statement) {
        String command = statement.command();
        return command == null || command.isEmpty() || command.startsWith("DECLARE") || command.startsWith("CLOSE");
    }

    private static boolean isDeclare(List<SqlToken> tokens) {
        return tokens.getFirst().isWord("declare") && tokens.get(1).isIdentifier();
    }

    /** For a {@code FETCH} or {@code MOVE}, its cursor and the {@code DECLARE} of it, when this session declared it. */
    @Override
    public Optional<CursorRead> read(String statementText) {
        List<SqlToken> tokens = tokens(statementText);
        if (tokens.size() < 2 || !(tokens.getFirst().isWord("fetch") || tokens.getFirst().isWord("move"))) {
            return Optional.empty();
        }
        SqlToken cursor = tokens.getLast(); // FETCH [direction] [FROM | IN] name
        if (!cursor.isIdentifier()) {
            return Optional.empty();
        }
        List<String> declared;
        synchronized (this) {
            declared = queries.get(cursor.text());
        }
        // Every DECLARE the name may read, as one query string the lineage check judges whole.
        return Optional.of(new CursorRead(cursor.text(), Optional.ofNullable(declared)
                .map(texts -> String.join(";\n", texts))));
    }

    @Override
    public Optional<String> declared(String statementText) {
        List<SqlToken> tokens = tokens(statementText);
        return tokens.size() >= 2 && isDeclare(tokens) ? Optional.of(tokens.get(1).text()) : Optional.empty();
    }

    private static List<SqlToken> tokens(String text) {
        List<SqlStatement> statements = SqlScriptSplitter.split(text);
        if (statements.isEmpty()) {
            return List.of();
        }
        return statements.getFirst().tokens().stream().filter(t -> t.kind() != SqlToken.Kind.SEMICOLON).toList();
    }
}
