package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * A field path in a JSON document: {@code $.user.email}, {@code $.orders[*].card}, {@code
 * $.items[0].name}, {@code $['odd key'].x}, {@code $.*.phone}, and {@code $..email} (an {@code email}
 * field at any depth). Compiled to a small automaton whose state is carried from a JSON container
 * to its children, so matching costs the same at depth 3 and at depth 1,000.
 */
final class JsonPathPattern {

    /** One step of a path; {@code descendant} lets any number of levels pass before it. */
    record Step(String field, int index, boolean descendant) {
        static final int ANY_INDEX = -1;
        static final int NOT_AN_INDEX = -2;
        static final String ANY_FIELD = "*";

        boolean matchesField(String name) {
            return index == NOT_AN_INDEX && (ANY_FIELD.equals(field) || field.equals(name));
        }

        boolean matchesIndex(int i) {
            return field == null && (index == ANY_INDEX || index == i);
        }
    }

    private final String text;
    private final Step[] steps;

    private JsonPathPattern(String text, Step[] steps) {
        this.text = text;
        this.steps = steps;
    }

    static JsonPathPattern parse(String text) {
        if (text == null || !text.startsWith("$")) {
            throw new IllegalArgumentException("JSON path '" + text + "' must start with $");
        }
        List<Step> steps = new ArrayList<>();
        int i = 1;
        int n = text.length();
        while (i < n) {
            boolean descendant = false;
            char c = text.charAt(i);
            if (c == '.') {
                i++;
                if (i < n && text.charAt(i) == '.') {
                    descendant = true;
                    i++;
                }
                if (i < n && text.charAt(i) == '[') {
                    c = '[';
                } else {
                    int end = i;
                    while (end < n && text.charAt(end) != '.' && text.charAt(end) != '[') {
                        end++;
                    }
                    if (end == i) {
                        throw invalid(text, "empty field name");
                    }
                    steps.add(new Step(text.substring(i, end), Step.NOT_AN_INDEX, descendant));
                    i = end;
                    continue;
                }
            }
            if (c != '[') {
                throw invalid(text, "expected . or [ at " + i);
            }
            int close = text.indexOf(']', i);
            if (close < 0) {
                throw invalid(text, "unclosed [");
            }
            String inside = text.substring(i + 1, close).strip();
            if (inside.equals("*")) {
                steps.add(new Step(null, Step.ANY_INDEX, descendant));
            } else if (inside.length() >= 2 && (inside.startsWith("'") && inside.endsWith("'")
                    || inside.startsWith("\"") && inside.endsWith("\""))) {
                steps.add(new Step(inside.substring(1, inside.length() - 1), Step.NOT_AN_INDEX, descendant));
            } else {
                try {
                    steps.add(new Step(null, Integer.parseInt(inside), descendant));
                } catch (NumberFormatException e) {
                    throw invalid(text, "index must be a number, * or a quoted name: [" + inside + "]");
                }
            }
            i = close + 1;
        }
        if (steps.isEmpty()) {
            throw invalid(text, "the whole document ($) cannot be a field rule");
        }
        if (steps.size() > 62) {
            throw invalid(text, "more than 62 steps");
        }
        return new JsonPathPattern(text, steps.toArray(Step[]::new));
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid JSON path '" + text + "': " + why);
    }

    /** The state at the document root: nothing matched yet. */
    static long start() {
        return 1L;
    }

    /** The state after entering the field {@code name} ({@code index < 0}) or the array element {@code index}. */
    long step(long state, String name, int index) {
        long next = 0;
        for (int s = 0; s < steps.length; s++) {
            if ((state & (1L << s)) == 0) {
                continue;
            }
            Step step = steps[s];
            if (step.descendant()) {
                next |= 1L << s; // the level passes inside the ..
            }
            boolean match = name != null ? step.matchesField(name) : step.matchesIndex(index);
            if (match) {
                next |= 1L << (s + 1);
            }
        }
        return next;
    }

    boolean accepts(long state) {
        return (state & (1L << steps.length)) != 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
