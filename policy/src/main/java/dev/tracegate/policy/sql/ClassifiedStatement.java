package dev.tracegate.policy.sql;

import java.util.List;
import java.util.Optional;

/**
 * The classification of one statement.
 *
 * @param text the statement as written
 * @param statementClass what it can do
 * @param command the command keywords, e.g. {@code DELETE}, {@code CREATE TABLE}, {@code COPY TO STDOUT}
 * @param tables tables it names, schema-qualified where written so (from JSqlParser when it parsed,
 *     otherwise from the tokens); for reporting, not for decisions about names
 * @param parsed whether JSqlParser parsed it (the class never depends on this alone)
 * @param reasons why it got its class, for people
 * @param prepares the name a {@code PREPARE name AS ...} gives its statement
 * @param executes the name of a prepared statement this statement runs whose text was not known
 *     (then the class is UNKNOWN)
 */
public record ClassifiedStatement(String text, StatementClass statementClass, String command, List<String> tables,
                                  boolean parsed, List<String> reasons, Optional<String> prepares,
                                  Optional<String> executes) {
    public ClassifiedStatement {
        tables = List.copyOf(tables);
        reasons = List.copyOf(reasons);
    }

    /**
     * This statement as running a prepared statement of class {@code prepared}; what its own tokens
     * do (functions in EXECUTE arguments) still counts.
     */
    ClassifiedStatement resolvedTo(StatementClass prepared, String reason) {
        List<SqlStatement> own = SqlScriptSplitter.split(text);
        StatementClass arguments = own.isEmpty() ? StatementClass.TRANSACTION
                : CommandRules.classOfEmbeddedParts(new TokenSpan(own.getFirst().tokens()));
        List<String> kept = new java.util.ArrayList<>(reasons.stream()
                .filter(r -> !r.startsWith("executes prepared statement")).toList());
        kept.add(reason);
        return new ClassifiedStatement(text, StatementClass.max(prepared, arguments), command, tables, parsed, kept,
                prepares, Optional.empty());
    }
}
