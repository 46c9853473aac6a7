package dev.tracegate.masking.detect;

import dev.tracegate.masking.Detector;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.ScanBudgetExceededException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A configured detector: a regular expression, a deny list of terms that are always masked (whole
 * words, any case), or both, with an allow list of matches that are never masked.
 *
 * <p>{@link java.util.regex} backtracks, so a careless pattern can take exponential time. Instead of
 * trusting the pattern, the matcher reads the text through a counting view: once it has looked at
 * more characters than {@value #BUDGET_PER_CHAR} per character of text (plus a constant), the scan
 * stops with {@link ScanBudgetExceededException} and the masker falls back for that value.
 */
public final class CustomDetector implements Detector {

    static final int BUDGET_PER_CHAR = 64;
    private static final int BUDGET_BASE = 4096;

    private final String name;
    private final Pattern pattern;
    private final List<String> denyTerms;
    private final Set<String> allow;
    private final boolean[] firstChars = new boolean[128];
    private final boolean nonAsciiFirstChar;

    /**
     * @param name      what the report and the default placeholder call these values
     * @param regex     a {@link Pattern} or {@code null}; backreferences and lookaround are allowed but budgeted
     * @param denyTerms terms masked wherever they occur as whole words, case-insensitively
     * @param allow     exact values never masked (compared case-insensitively)
     */
    public CustomDetector(String name, String regex, List<String> denyTerms, List<String> allow) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a custom detector needs a name");
        }
        if ((regex == null || regex.isEmpty()) && denyTerms.isEmpty()) {
            throw new IllegalArgumentException("custom detector '" + name + "' needs a pattern or a deny list");
        }
        this.name = name;
        try {
            this.pattern = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("custom detector '" + name + "': invalid pattern: " + e.getDescription(), e);
        }
        List<String> terms = new ArrayList<>();
        boolean nonAscii = false;
        for (String term : denyTerms) {
            if (term == null || term.isBlank()) {
                throw new IllegalArgumentException("custom detector '" + name + "': empty deny-list term");
            }
            String lower = term.strip().toLowerCase(Locale.ROOT);
            terms.add(lower);
            char first = lower.charAt(0);
            if (first < 128) {
                firstChars[first] = true;
                firstChars[Character.toUpperCase(first)] = true;
            } else {
                nonAscii = true;
            }
        }
        this.denyTerms = List.copyOf(terms);
        this.nonAsciiFirstChar = nonAscii;
        this.allow = allow.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public String name() {
        return name;
    }

    @Override
    public EntityType type() {
        return EntityType.CUSTOM;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        List<Match> found = new ArrayList<>();
        if (pattern != null) {
            findPattern(text, found);
        }
        if (!denyTerms.isEmpty()) {
            findTerms(text, found);
        }
        if (pattern != null && !denyTerms.isEmpty()) {
            found.sort(java.util.Comparator.comparingInt(Match::start).thenComparingInt(m -> -m.length()));
        }
        int lastEnd = 0;
        for (Match match : found) {
            if (match.start() >= lastEnd
                    && !allow.contains(text.subSequence(match.start(), match.end()).toString().toLowerCase(Locale.ROOT))) {
                out.add(match);
                lastEnd = match.end();
            }
        }
    }

    private void findPattern(CharSequence text, List<Match> out) {
        Matcher matcher = pattern.matcher(new CountingView(text, BUDGET_BASE + (long) BUDGET_PER_CHAR * text.length()));
        while (matcher.find()) {
            if (matcher.end() > matcher.start()) {
                out.add(new Match(matcher.start(), matcher.end(), EntityType.CUSTOM));
            }
        }
    }

    private void findTerms(CharSequence text, List<Match> out) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 128 ? !firstChars[c] : !nonAsciiFirstChar) {
                continue;
            }
            if (Chars.isWordCharAt(text, i - 1)) {
                continue;
            }
            int longest = 0;
            for (String term : denyTerms) {
                int end = i + term.length();
                if (term.length() > longest && end <= n && regionMatchesLower(text, i, term)
                        && !Chars.isWordCharAt(text, end)) {
                    longest = term.length();
                }
            }
            if (longest > 0) {
                out.add(new Match(i, i + longest, EntityType.CUSTOM));
                i += longest - 1;
            }
        }
    }

    private static boolean regionMatchesLower(CharSequence text, int offset, String lowerTerm) {
        for (int k = 0; k < lowerTerm.length(); k++) {
            if (Character.toLowerCase(text.charAt(offset + k)) != lowerTerm.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** A view of the text that counts every character the regex engine reads and stops it at the budget. */
    private static final class CountingView implements CharSequence {
        private final CharSequence text;
        private final int offset;
        private final int length;
        private final long[] left;

        CountingView(CharSequence text, long budget) {
            this(text, 0, text.length(), new long[] {budget});
        }

        private CountingView(CharSequence text, int offset, int length, long[] left) {
            this.text = text;
            this.offset = offset;
            this.length = length;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new ScanBudgetExceededException("custom detector");
            }
            return text.charAt(offset + index);
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new CountingView(text, offset + start, end - start, left);
        }

        @Override
        public String toString() {
            return text.subSequence(offset, offset + length).toString();
        }
    }
}
