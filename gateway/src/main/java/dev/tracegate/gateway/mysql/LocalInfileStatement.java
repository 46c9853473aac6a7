package dev.tracegate.gateway.mysql;

import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.List;
import java.util.Optional;

/**
 * The file a {@code LOAD DATA [LOW_PRIORITY | CONCURRENT] LOCAL INFILE '<file>'} statement names:
 * the one file the server may then ask the caller for. Only a text that is exactly one such
 * statement, read one way only, names one; anything else lets the server have no file.
 */
final class LocalInfileStatement {

    private LocalInfileStatement() {
    }

    static Optional<String> file(String sql, SqlDialect dialect) {
        Optional<List<List<SqlStatement>>> readings = SqlScriptSplitter.splitEveryReading(sql, dialect);
        if (readings.isEmpty() || readings.get().size() != 1 || readings.get().getFirst().size() != 1) {
            return Optional.empty();
        }
        List<SqlToken> tokens = readings.get().getFirst().getFirst().tokens().stream()
                .filter(t -> t.kind() != SqlToken.Kind.COMMENT).toList();
        int i = 2;
        if (tokens.size() < 5 || !tokens.get(0).isWord("load") || !tokens.get(1).isWord("data")) {
            return Optional.empty();
        }
        if (tokens.get(i).isWord("low_priority") || tokens.get(i).isWord("concurrent")) {
            i++;
        }
        boolean local = i + 2 < tokens.size() && tokens.get(i).isWord("local") && tokens.get(i + 1).isWord("infile")
                && tokens.get(i + 2).kind() == SqlToken.Kind.STRING;
        return local ? Optional.of(tokens.get(i + 2).text()) : Optional.empty();
    }
}
