package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import java.util.List;
import java.util.Optional;

/**
 * A MySQL or MariaDB view's stored query ({@code information_schema.VIEWS.VIEW_DEFINITION}, such
 * as {@code select `shop`.`customers`.`email` AS `contact` from `shop`.`customers`}) as the
 * lineage analysis reads view definitions: the same rendition of MySQL tokens as a caller's
 * statement gets ({@link MySqlLineage}), so backticks, MySQL strings and comments are read as the
 * server reads them. A definition that is not exactly one complete statement, or that the server
 * could read two ways (with or without backslash escapes), has no rendition: the view is then
 * untraceable, and what reads it through is refused or withheld.
 */
public final class MySqlViewDefinition {

    private MySqlViewDefinition() {
    }

    /** The definition in the analysis's form, or {@code null} when it cannot be read one way only. */
    public static String readable(String definition) {
        if (definition == null || definition.isBlank()) {
            // MySQL shows an empty definition to an account without SHOW VIEW on the view.
            return null;
        }
        Optional<String> plain = rendition(definition, SqlDialect.MYSQL);
        Optional<String> noEscapes = rendition(definition, SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES);
        return plain.isPresent() && plain.equals(noEscapes) ? plain.get() : null;
    }

    private static Optional<String> rendition(String definition, SqlDialect dialect) {
        Optional<List<List<SqlStatement>>> readings = SqlScriptSplitter.splitEveryReading(definition, dialect);
        if (readings.isEmpty() || readings.get().size() != 1) {
            return Optional.empty();
        }
        List<SqlStatement> statements = readings.get().getFirst();
        if (statements.size() != 1 || statements.getFirst().incomplete()) {
            return Optional.empty();
        }
        return Optional.of(MySqlLineage.render(statements.getFirst().tokens()));
    }
}
