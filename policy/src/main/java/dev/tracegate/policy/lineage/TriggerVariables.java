package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The MySQL user variables the database's triggers may set. A trigger runs on the caller's write
 * and may copy the row it fires on into the session ({@code SET @last = OLD.name}); the caller then
 * reads {@code SELECT @last} or {@code SELECT REVERSE(@last)}, an expression with no lineage, whose
 * name no detector finds. A masked caller may not name such a variable ({@link MySqlLineage}).
 *
 * <p>Every variable a trigger's body names counts, read or written. A body that calls a routine
 * (CALL, or a stored function, which may set any variable) or that cannot be read one way only
 * counts as setting every variable ({@link #EVERY}).
 */
public final class TriggerVariables {

    /** Stands for every user variable. */
    static final String EVERY = "@";

    private TriggerVariables() {
    }

    /**
     * @param bodies   the triggers' bodies ({@code information_schema.TRIGGERS.ACTION_STATEMENT})
     * @param routines lower-case names of the database's stored functions and procedures
     * @return the variables' names as the MySQL lexer writes them ({@code @last}), or {@link #EVERY}
     */
    public static Set<String> setBy(Collection<String> bodies, Set<String> routines) {
        Set<String> names = new HashSet<>();
        for (String body : bodies) {
            if (body == null) {
                return Set.of(EVERY);
            }
            for (SqlDialect dialect : List.of(SqlDialect.MYSQL, SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES)) {
                Optional<List<List<SqlStatement>>> readings = SqlScriptSplitter.splitEveryReading(body, dialect);
                if (readings.isEmpty()) {
                    return Set.of(EVERY);
                }
                for (SqlStatement statement : readings.get().stream().flatMap(List::stream).toList()) {
                    List<SqlToken> tokens = statement.tokens();
                    for (int i = 0; i < tokens.size(); i++) {
                        SqlToken token = tokens.get(i);
                        boolean called = i + 1 < tokens.size() && tokens.get(i + 1).isSymbol("(")
                                && token.isIdentifier() && routines.contains(token.text().toLowerCase(Locale.ROOT));
                        if (token.isWord("call") || called) {
                            return Set.of(EVERY);
                        }
                        if (isUserVariable(token)) {
                            names.add(token.text());
                        }
                    }
                }
            }
        }
        return Set.copyOf(names);
    }

    /** A user variable as the MySQL lexer merges it ({@code @name}; {@code @@name} is a system variable). */
    static boolean isUserVariable(SqlToken token) {
        return token.kind() == SqlToken.Kind.PARAMETER && token.text().startsWith("@") && !token.text().startsWith("@@");
    }
}
