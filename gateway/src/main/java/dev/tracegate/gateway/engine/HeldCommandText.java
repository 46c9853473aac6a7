package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.gateway.recording.RecordedCommand;
import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.SqlClassification;
import java.util.List;
import java.util.Map;

/**
 * The text approvers decide on: the statement, and the values bound to its parameters when it has
 * any. A prepared statement runs with the values of its Bind or COM_STMT_EXECUTE, so approving
 * {@code DELETE FROM orders WHERE id = $1} without them would approve every row. Each value is
 * quoted with escapes for quotes, backslashes, line breaks and other invisible characters, so a
 * value cannot pass for more statement text.
 */
public final class HeldCommandText {

    /**
     * Statements after which the client sends data that approvers are not shown: it comes only once
     * the statement runs, after their decision (the rows of {@code COPY ... FROM STDIN}, the file
     * MySQL's server asks a client for after {@code LOAD DATA LOCAL INFILE}). Approvers are told, so
     * that no one approves a load believing they saw what it loads (docs/policy.md).
     */
    private static final Map<String, String> UNSEEN_DATA = Map.of(
            "COPY FROM STDIN", "then the client sends the rows to copy, which approvers are not shown:"
                    + " approving this approves whatever rows it sends",
            "LOAD DATA LOCAL INFILE", "then the client sends the file's contents, which approvers are not shown:"
                    + " approving this approves whatever the file holds");

    private HeldCommandText() {
    }

    /**
     * The command's text as {@code shownAs} keeps it, with its bound parameters, then, for each
     * {@code EXECUTE} of a statement the session prepared, the text that statement runs: approvers of
     * {@code EXECUTE s USING @a} or {@code EXECUTE del(7)} must see what {@code s} or {@code del}
     * deletes, not only its name, which the request shows nowhere else.
     */
    public static String of(Ruling ruling, CommandRedaction shownAs, String text, List<String> parameters) {
        StringBuilder held = new StringBuilder(of(shownAs.statement(text, parameters)));
        SqlClassification classification = ruling.classification();
        if (classification == null) {
            return held.toString();
        }
        for (ClassifiedStatement statement : classification.statements()) {
            if (statement.runs() != null) {
                held.append("\n-- which runs the statement this session prepared with:\n")
                        .append(shownAs.statement(statement.runs(), null).text());
            }
            String unseen = UNSEEN_DATA.get(statement.command());
            if (unseen != null) {
                held.append("\n-- ").append(unseen);
            }
        }
        return held.toString();
    }

    /** The statement's text, then a line with its bound parameters in order ({@code NULL} for a null). */
    public static String of(RecordedCommand command) {
        List<String> parameters = command.parameters();
        if (parameters == null || parameters.isEmpty()) {
            return command.text();
        }
        StringBuilder text = new StringBuilder(command.text()).append("\n-- bound parameters, in order: ");
        for (int i = 0; i < parameters.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            quoted(text, parameters.get(i));
        }
        return text.toString();
    }

    private static void quoted(StringBuilder text, String value) {
        if (value == null) {
            text.append("NULL");
            return;
        }
        text.append('"');
        value.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                text.append('\\').appendCodePoint(c);
            } else if (invisible(c)) {
                text.append(c > 0xFFFF ? String.format("\\U%08X", c) : String.format("\\u%04X", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        text.append('"');
    }

    /** Control, format (bidirectional overrides, zero-width) and line or paragraph separator characters. */
    private static boolean invisible(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
