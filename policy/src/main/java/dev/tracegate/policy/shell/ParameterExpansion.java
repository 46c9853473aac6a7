package dev.tracegate.policy.shell;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the shell may run a command while it expands a {@code ${...}}, with no {@code $(} or
 * backquote in sight. Bash (and ksh93, mksh, zsh) run code from the expansion itself:
 * <ul>
 *   <li>{@code ${ cmd; }} and {@code ${|cmd;}}: command substitutions in the current shell (bash
 *       5.3, ksh93, mksh);</li>
 *   <li>an indexed array's subscript ({@code ${a[i]}}, {@code ${a[$i]}}), a substring's offset and
 *       length ({@code ${x:i}}) and {@code $[...]} are arithmetic, and arithmetic evaluates a
 *       variable's value as an expression again: {@code i='a[$(sudo id)]'; echo ${a[i]}} runs
 *       {@code sudo id};</li>
 *   <li>an indirect expansion ({@code ${!i}}) expands the name {@code i} holds, subscript
 *       included;</li>
 *   <li>a prompt expansion ({@code ${x@P}}) runs the command substitutions in the value.</li>
 * </ul>
 * Each is read as unknown, subscripts that are digits, {@code @} or {@code *}, offsets that are
 * numbers and {@code ${!prefix*}} aside.
 */
final class ParameterExpansion {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-]");
    private static final Pattern NAMES_BY_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:[*@]|\\[[*@]])");
    private static final Pattern PLAIN_SUBSCRIPT = Pattern.compile("[@*]|[0-9]+");
    private static final Pattern NUMBER_SUBSTRING = Pattern.compile(":\\s*-?[0-9]+\\s*(?::\\s*-?[0-9]+\\s*)?");

    private ParameterExpansion() {
    }

    /**
     * Why expanding {@code ${inside}} may run code, or null when it cannot. {@code inside} ends at
     * the first {@code }}, so a nested {@code ${} runs to its end and is read the same way.
     */
    static String runsCode(String inside) {
        if (inside.contains("$[")) {
            return "arithmetic expansion $[...]";
        }
        for (int at = inside.indexOf("${"); at >= 0; at = inside.indexOf("${", at + 2)) {
            String nested = oneRunsCode(inside.substring(at + 2));
            if (nested != null) {
                return nested;
            }
        }
        return oneRunsCode(inside);
    }

    private static String oneRunsCode(String text) {
        if (text.isEmpty()) {
            return null;
        }
        char first = text.charAt(0);
        if (Character.isWhitespace(first) || first == '|') {
            return "a command substitution ${ ...; } (bash 5.3, ksh93, mksh)";
        }
        if (first == '!' && text.length() > 1) {
            return NAMES_BY_PREFIX.matcher(text.substring(1)).matches() ? null
                    : "an indirect expansion ${!name}: the name it holds may carry a subscript, evaluated as arithmetic";
        }
        Matcher name = NAME.matcher(text);
        name.region(first == '#' && text.length() > 1 ? 1 : 0, text.length());
        if (!name.lookingAt()) {
            return null; // a bad substitution: the shell refuses the line
        }
        int at = name.end();
        if (at < text.length() && text.charAt(at) == '[') {
            int close = text.indexOf(']', at);
            String subscript = text.substring(at + 1, close < 0 ? text.length() : close);
            if (!PLAIN_SUBSCRIPT.matcher(subscript).matches()) {
                return "an array subscript, which the shell evaluates as arithmetic (command substitution included)";
            }
            at = close < 0 ? text.length() : close + 1;
        }
        String operator = text.substring(at);
        if (operator.startsWith("@P")) {
            return "a prompt expansion ${name@P}, which runs the command substitutions in the value";
        }
        if (operator.length() > 1 && operator.charAt(0) == ':' && "-=?+".indexOf(operator.charAt(1)) < 0
                && !NUMBER_SUBSTRING.matcher(operator).matches()) {
            return "a substring ${name:offset:length} whose offset or length is arithmetic";
        }
        return null;
    }
}
