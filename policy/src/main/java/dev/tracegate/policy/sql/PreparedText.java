package dev.tracegate.policy.sql;

import java.util.List;
import java.util.Objects;

/**
 * What {@code EXECUTE name} runs: the statement a session prepared under that name, as the
 * policy judged it. An {@code EXECUTE} names no table and spells no statement of its own, so it
 * is judged with the tables and the text of its {@code PREPARE} too: a rule that holds writes to
 * {@code orders} must hold every run of {@code PREPARE p AS DELETE FROM orders WHERE id = $1}.
 *
 * @param statementClass the prepared statement's class
 * @param tables         the tables it names
 * @param text           the text that prepared it ({@code PREPARE ...}, or a Parse's statement), for
 *                       rules matching {@code command}; {@code null} when not known
 */
public record PreparedText(StatementClass statementClass, List<String> tables, String text) {

    public PreparedText {
        Objects.requireNonNull(statementClass, "statementClass");
        tables = List.copyOf(tables);
    }

    /** A prepared statement known by its class alone. */
    public static PreparedText ofClass(StatementClass statementClass) {
        return new PreparedText(statementClass, List.of(), null);
    }

    /**
     * What a name runs when the gateway cannot tell which of two statements the server holds under
     * it (a second PREPARE of a name fails on the server and keeps the first): the riskier class,
     * every table and both texts.
     */
    public PreparedText orRiskier(PreparedText other) {
        java.util.LinkedHashSet<String> both = new java.util.LinkedHashSet<>(tables);
        both.addAll(other.tables);
        String texts = text == null ? other.text : other.text == null ? text : text + "\n" + other.text;
        return new PreparedText(StatementClass.max(statementClass, other.statementClass), List.copyOf(both), texts);
    }

    /** What the statement that prepared it says it runs. */
    public static PreparedText of(ClassifiedStatement prepare) {
        return new PreparedText(prepare.statementClass(), prepare.tables(), prepare.text());
    }
}
