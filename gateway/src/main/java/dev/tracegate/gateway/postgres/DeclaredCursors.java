package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.guard.SessionCursors;
import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The query of each cursor a session's SQL declared ({@code DECLARE name ... FOR query}), so that a
 * {@code FETCH} or {@code MOVE}, which names only the cursor, can be judged by the query it reads
 * under the policy in force when it runs: a cursor declared {@code WITH HOLD} outlives its
 * transaction, and a policy reload may have masked the caller since it was declared.
 * A cursor is forgotten when closed; one that ended with its transaction is kept, which only
 * judges a later fetch of that name by a query that no longer runs (the stricter way).
 */
final class DeclaredCursors implements SessionCursors {

    private final Map<String, String> queries = new HashMap<>();

    /** What a query string the session sent declares or closes. */
    void ran(ClassifiedStatement statement) {
        if (!mayDeclareOrClose(statement)) {
            return; // nearly every statement: not lexed a second time
        }
        List<SqlToken> tokens = tokens(statement.text());
        if (tokens.size() < 2) {
            return;
        }
        if (isDeclare(tokens)) {
            queries.put(tokens.get(1).text(), statement.text());
        } else if (tokens.getFirst().isWord("close")) {
            if (tokens.get(1).isWord("all")) {
                queries.clear();
            } else {
                queries.remove(tokens.get(1).text());
            }
        }
    }

    /**
     * A Parse of a {@code DECLARE} (pgjdbc sends every statement so): its cursor exists once the
     * statement runs, so it is noted now, the stricter way. A Parse of {@code CLOSE} closes nothing
     * until it runs, and the gateway does not follow that far: the cursor's query stays noted.
     */
    void parsed(ClassifiedStatement statement) {
        if (!mayDeclareOrClose(statement)) {
            return;
        }
        List<SqlToken> tokens = tokens(statement.text());
        if (tokens.size() >= 2 && isDeclare(tokens)) {
            queries.put(tokens.get(1).text(), statement.text());
        }
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
        return Optional.of(new CursorRead(cursor.text(), Optional.ofNullable(queries.get(cursor.text()))));
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
