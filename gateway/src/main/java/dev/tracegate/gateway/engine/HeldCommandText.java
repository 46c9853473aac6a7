package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.recording.RecordedCommand;
import java.util.List;

/**
 * The text approvers decide on: the statement, and the values bound to its parameters when it has
 * any. A prepared statement runs with the values of its Bind or COM_STMT_EXECUTE, so approving
 * {@code DELETE FROM orders WHERE id = $1} without them would approve every row. Each value is
 * quoted with escapes for quotes, backslashes, line breaks and other invisible characters, so a
 * value cannot pass for more statement text.
 */
public final class HeldCommandText {

    private HeldCommandText() {
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
