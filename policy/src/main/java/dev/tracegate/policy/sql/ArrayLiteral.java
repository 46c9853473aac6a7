package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The elements of a one-dimensional PostgreSQL array written as text ({@code '{1,2,NULL}'},
 * {@code '{"a b", c}'}), as the server's array input reads them: white space around an element is
 * not part of it, a double-quoted element keeps what it quotes (backslash escapes one character),
 * an unquoted {@code NULL} in any case is a null element. A text this does not read exactly (nested
 * or decorated arrays, {@code '[1:2]={1,2}'}, a stray quote, an escape outside quotes) gives null: the caller then knows
 * nothing of the array, never a wrong list.
 */
final class ArrayLiteral {

    private final String text;
    private int pos;

    private ArrayLiteral(String text) {
        this.text = text;
    }

    /** The elements, a null element for each {@code NULL}; null when {@code text} is no array this reads. */
    static List<String> elements(String text) {
        return new ArrayLiteral(text.strip()).read();
    }

    private List<String> read() {
        if (text.length() < 2 || text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
            return null;
        }
        List<String> elements = new ArrayList<>();
        pos = 1;
        skipSpace();
        if (pos == text.length() - 1) {
            return elements;
        }
        while (true) {
            skipSpace();
            boolean quoted = pos < text.length() && text.charAt(pos) == '"';
            String element = quoted ? quoted() : unquoted();
            if (element == null) {
                return null;
            }
            elements.add(!quoted && element.equalsIgnoreCase("null") ? null : element);
            skipSpace();
            char next = text.charAt(pos);
            if (pos == text.length() - 1) {
                return elements;
            }
            if (next != ',') {
                return null;
            }
            pos++;
        }
    }

    private String quoted() {
        StringBuilder element = new StringBuilder();
        pos++;
        while (pos < text.length() - 1) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return element.toString();
            }
            if (c == '\\') {
                if (pos >= text.length() - 1) {
                    return null;
                }
                c = text.charAt(pos++);
            }
            element.append(c);
        }
        return null;
    }

    /** An unquoted element runs to the next comma or the closing brace, its trailing white space dropped. */
    private String unquoted() {
        StringBuilder element = new StringBuilder();
        int end = text.length() - 1;
        while (pos < end && text.charAt(pos) != ',') {
            char c = text.charAt(pos++);
            if (c == '{' || c == '}' || c == '"' || c == '\\') {
                return null; // (an escape in an unquoted element is rare enough to give up on)
            }
            element.append(c);
        }
        String value = element.toString().stripTrailing();
        return value.isEmpty() ? null : value;
    }

    private void skipSpace() {
        while (pos < text.length() - 1 && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
