package dev.tracegate.gateway.mysql;

import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.List;
import java.util.Optional;

/**
 * A caller's {@code KILL [QUERY | CONNECTION] <id>}: the id is the gateway's (the one its greeting
 * gave), which the engine turns into the server's own, for the caller's own sessions only. So that
 * no KILL reaches the server as written, a text is refused when it could run one in any other form:
 * beside other statements, with anything but a number, or inside dynamic SQL
 * ({@code PREPARE ... FROM 'KILL 5'}, {@code EXECUTE IMMEDIATE}); dynamic SQL whose text is not a
 * literal ({@code PREPARE s FROM @q}) could be a KILL, and is refused too.
 *
 * @param query           {@code KILL QUERY}: end the statement, not the session
 * @param connectionId    the gateway connection id named
 */
record KillRequest(boolean query, long connectionId) {

    /** Why a text with a KILL in it is not relayed. */
    static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * @return the KILL the text is, or empty when it runs none
     * @throws RefusedException when it could run a KILL in a form the gateway does not relay
     */
    static Optional<KillRequest> of(String sql, SqlDialect dialect) throws RefusedException {
        Optional<List<List<SqlStatement>>> readings = SqlScriptSplitter.splitEveryReading(sql, dialect);
        if (readings.isEmpty()) {
            String lower = sql.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("kill") || lower.contains("prepare") || lower.contains("execute")) {
                throw new RefusedException("servers could read this text in different ways, one of them a KILL or"
                        + " dynamic SQL; write it plainly");
            }
            return Optional.empty();
        }
        boolean kills = false;
        for (List<SqlStatement> reading : readings.get()) {
            for (SqlStatement statement : reading) {
                kills |= kills(statement.tokens(), dialect, 0);
            }
        }
        if (!kills) {
            return Optional.empty();
        }
        List<SqlToken> tokens = readings.get().size() == 1 && readings.get().getFirst().size() == 1
                ? readings.get().getFirst().getFirst().tokens().stream().filter(t -> t.kind() != SqlToken.Kind.COMMENT).toList()
                : List.of();
        return Optional.of(plain(tokens));
    }

    private static KillRequest plain(List<SqlToken> tokens) throws RefusedException {
        int id = tokens.size() == 3 && (tokens.get(1).isWord("query") || tokens.get(1).isWord("connection")) ? 2 : 1;
        if (tokens.size() == id + 1 && tokens.getFirst().isWord("kill") && tokens.get(id).kind() == SqlToken.Kind.NUMBER
                && tokens.get(id).text().chars().allMatch(Character::isDigit) && tokens.get(id).text().length() <= 18) {
            return new KillRequest(id == 2 && tokens.get(1).isWord("query"), Long.parseLong(tokens.get(id).text()));
        }
        throw new RefusedException("KILL is relayed only alone, as KILL [QUERY | CONNECTION] <connection id>, for the"
                + " caller's own sessions");
    }

    /** Whether the statement is a KILL, or dynamic SQL that is or could be one. */
    private static boolean kills(List<SqlToken> tokens, SqlDialect dialect, int depth) throws RefusedException {
        List<SqlToken> words = tokens.stream().filter(t -> t.kind() != SqlToken.Kind.COMMENT).toList();
        if (words.isEmpty()) {
            return false;
        }
        if (words.getFirst().isWord("kill")) {
            return true;
        }
        boolean prepare = words.getFirst().isWord("prepare");
        boolean immediate = words.getFirst().isWord("execute") && words.size() > 1 && words.get(1).isWord("immediate");
        if (!prepare && !immediate) {
            return false;
        }
        SqlToken text = words.getLast();
        if (text.kind() != SqlToken.Kind.STRING || depth > 4) {
            throw new RefusedException("dynamic SQL whose text the gateway cannot read could end other sessions'"
                    + " statements (KILL); prepare literal text instead");
        }
        Optional<List<List<SqlStatement>>> inner = SqlScriptSplitter.splitEveryReading(text.text(), dialect);
        if (inner.isEmpty()) {
            return true;
        }
        for (List<SqlStatement> reading : inner.get()) {
            for (SqlStatement statement : reading) {
                if (kills(statement.tokens(), dialect, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }
}
