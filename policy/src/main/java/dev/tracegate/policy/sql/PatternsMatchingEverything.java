package dev.tracegate.policy.sql;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a constant pattern matches every string, so that a write whose WHERE tests a column
 * against it changes every row whose column is not null: {@code LIKE '%'} and its operator {@code
 * ~~ '%'}, {@code SIMILAR TO '%'} or {@code '(%|x)'}, and a regular expression that finds a match in
 * any string ({@code ~ ''}, {@code ~ '.*'}, {@code ~* '^'}). A regular expression is read by Java's
 * engine, which reads PostgreSQL's common syntax alike, and counts when it matches each of a set of
 * strings unlike one another; one Java cannot read is not counted (docs/policy.md, "What a WHERE
 * promises").
 */
final class PatternsMatchingEverything {

    /** Strings unlike one another: empty, one letter, digits, a space, line breaks, accents, LIKE's own wildcards. */
    private static final List<String> SAMPLES = List.of("", "a", "Z", "0", " ", "\n", "ab\ncd", "\u00e9t\u00e9",
            "%_\\", "x7 The quick brown fox; 'quoted' \"double\"", "\t\r\u0000");

    /** Longer patterns are not compiled: a client's text is not worth an expensive regex. */
    private static final int MAX_PATTERN = 200;

    private PatternsMatchingEverything() {
    }

    /** {@code LIKE} and {@code ILIKE}: only {@code %} matches every string, and any run of them. */
    static boolean like(String pattern) {
        return !pattern.isEmpty() && pattern.chars().allMatch(c -> c == '%');
    }

    /**
     * {@code SIMILAR TO}, which must match the whole string: {@code %} is any run, {@code _} any one
     * character, the other regular-expression operators are as POSIX's and {@code .} is a plain dot.
     */
    static boolean similar(String pattern, String escape) {
        if (pattern.length() > MAX_PATTERN || escape != null && pattern.contains(escape) || pattern.indexOf('\\') >= 0) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '%' -> regex.append("(?s:.*)");
                case '_' -> regex.append("(?s:.)");
                case '.', '^', '$' -> regex.append('\\').append(c);
                default -> regex.append(c);
            }
        }
        return matchesSamples(regex.toString(), false, true);
    }

    /** {@code ~} and {@code ~*}: a match anywhere in the string is enough. */
    static boolean regex(String pattern, boolean caseInsensitive) {
        return pattern.length() <= MAX_PATTERN && matchesSamples(pattern, caseInsensitive, false);
    }

    private static boolean matchesSamples(String regex, boolean caseInsensitive, boolean whole) {
        Pattern compiled;
        try {
            compiled = Pattern.compile(regex, caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        } catch (PatternSyntaxException | StackOverflowError e) {
            return false;
        }
        for (String sample : SAMPLES) {
            var matcher = compiled.matcher(sample);
            if (whole ? !matcher.matches() : !matcher.find()) {
                return false;
            }
        }
        return true;
    }
}
