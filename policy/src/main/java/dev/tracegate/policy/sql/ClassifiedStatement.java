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
 * @param runs for an {@code EXECUTE} of a prepared statement whose text is known, the text that
 *     prepared it ({@code null} otherwise): rules matching {@code command} look at it too
 */
public record ClassifiedStatement(String text, StatementClass statementClass, String command, List<String> tables,
                                  boolean parsed, List<String> reasons, Optional<String> prepares,
                                  Optional<String> executes, String runs) {
    public ClassifiedStatement {
        tables = List.copyOf(tables);
        reasons = List.copyOf(reasons);
    }

    /** A statement that runs no prepared statement the classifier knows the text of. */
    public ClassifiedStatement(String text, StatementClass statementClass, String command, List<String> tables,
                               boolean parsed, List<String> reasons, Optional<String> prepares,
                               Optional<String> executes) {
        this(text, statementClass, command, tables, parsed, reasons, prepares, executes, null);
    }

    /** This statement as {@code statementClass}, for {@code reason} first: what a judge that knows more found. */
    ClassifiedStatement reclassified(StatementClass to, String reason) {
        List<String> all = new java.util.ArrayList<>();
        all.add(reason);
        all.addAll(reasons);
        return new ClassifiedStatement(text, to, command, tables, parsed, all, prepares, executes, runs);
    }

    /**
     * This statement as running {@code prepared}: at least its class, naming its tables too, and
     * carrying its text; what its own tokens do (functions in EXECUTE arguments) still counts.
     */
    ClassifiedStatement resolvedTo(PreparedText prepared, String reason) {
        List<SqlStatement> own = SqlScriptSplitter.split(text);
        StatementClass arguments = own.isEmpty() ? StatementClass.TRANSACTION
                : CommandRules.classOfEmbeddedParts(new TokenSpan(own.getFirst().tokens()));
        List<String> kept = new java.util.ArrayList<>(reasons.stream()
                .filter(r -> !r.startsWith("executes prepared statement")).toList());
        kept.add(reason);
        java.util.LinkedHashSet<String> named = new java.util.LinkedHashSet<>(tables);
        named.addAll(prepared.tables());
        return new ClassifiedStatement(text, StatementClass.max(prepared.statementClass(), arguments), command,
                List.copyOf(named), parsed, kept, prepares, Optional.empty(), prepared.text());
    }
}
