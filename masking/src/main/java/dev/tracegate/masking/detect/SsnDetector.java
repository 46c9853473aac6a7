package dev.tracegate.masking.detect;

import dev.tracegate.masking.Detector;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.TextFacts;
import java.util.List;
import java.util.Set;

/**
 * United States social security numbers: {@code AAA-GG-SSSS} or {@code AAA GG SSSS}, or {@code
 * AAA.GG.SSSS}, {@code AAA/GG/SSSS}, {@code AAA_GG_SSSS}, {@code AAA - GG - SSSS} and nine bare
 * digits right after a word such as "SSN". Only numbers the SSA can issue count: area 001-899
 * except 666, group 01-99, serial 0001-9999, and not the two numbers famous for being printed on
 * sample cards.
 */
public final class SsnDetector implements Detector {

    private static final Set<String> SSN_WORDS = Set.of("ssn", "ssns", "social", "security", "ss", "tin", "ssa");
    private static final Set<String> OTHER_NUMBER_WORDS = Set.of(
            "phone", "tel", "call", "fax", "mobile", "cell", "order", "invoice", "ref", "reference", "part", "model",
            "sku", "zip", "postcode", "tracking", "serial", "isbn", "account", "acct", "routing");

    @Override
    public boolean mayMatch(TextFacts facts) {
        return facts.longestNumberDigits() >= 9;
    }

    @Override
    public EntityType type() {
        return EntityType.SSN;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!Chars.isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int runEnd = Chars.digitRunEnd(text, i);
            boolean glued = !Chars.numberMayStartAt(text, i) && isGlue(text, i - 1);
            if (glued || Chars.numberMayStartAt(text, i)) {
                int end = candidateEnd(text, i, runEnd, glued);
                if (end > 0 && isSsn(text, i, end)) {
                    out.add(new Match(i, end, EntityType.SSN));
                    i = end;
                    continue;
                }
            }
            i = runEnd;
        }
    }

    /**
     * The end of a well-shaped candidate starting at {@code start}, or -1. {@code AAA-GG-SSSS} with
     * hyphens is one glued to letters or an underscore too ({@code ssn536-22-1234}, {@code
     * user_536-22-1234}, {@code 536-22-1234x}, as a label or a command that prefixes each line writes
     * it; in clear before 2026-12-06): its shape says what it is. Other forms need a number's bounds.
     */
    private static int candidateEnd(CharSequence text, int start, int runEnd, boolean gluedBefore) {
        int length = runEnd - start;
        if (gluedBefore && (length != 3 || runEnd >= text.length() || text.charAt(runEnd) != '-')) {
            return -1;
        }
        if (length == 9) {
            if (!Chars.numberMayEndAt(text, runEnd)) {
                return -1;
            }
            List<String> words = PrecedingWords.before(text, start, 3, 32);
            return PrecedingWords.anyIn(words, SSN_WORDS) ? runEnd : -1;
        }
        if (length != 3 || runEnd + 8 > text.length()) {
            return -1;
        }
        int separator = separatorLength(text, runEnd);
        if (separator == 0) {
            return -1;
        }
        boolean plain = separator == 1 && (text.charAt(runEnd) == '-' || text.charAt(runEnd) == ' ');
        if (!plain && !PrecedingWords.anyIn(PrecedingWords.before(text, start, 3, 32), SSN_WORDS)) {
            return -1; // 123.45.6789, 123/45/6789 are SSNs only where the text says so: they also write versions, amounts, paths
        }
        int groupStart = runEnd + separator;
        int groupEnd = Chars.digitRunEnd(text, groupStart);
        if (groupEnd - groupStart != 2 || !sameSeparator(text, runEnd, groupEnd, separator)) {
            return -1;
        }
        int serialEnd = Chars.digitRunEnd(text, groupEnd + separator);
        boolean hyphens = separator == 1 && text.charAt(runEnd) == '-';
        if (serialEnd - groupEnd - separator != 4 || (!Chars.numberMayEndAt(text, serialEnd) && !(hyphens && isGlue(text, serialEnd)))) {
            return -1;
        }
        if (sameSeparator(text, runEnd, serialEnd, separator) && Chars.isDigitAt(text, serialEnd + separator)) {
            return -1; // one group of a longer grouped number
        }
        return serialEnd;
    }

    /**
     * The length of the mark between an SSN's groups at {@code p}, or 0: a hyphen, space, dot, slash
     * or underscore, or a hyphen, dot or slash set off by spaces ({@code 536 - 22 - 1234}), as forms
     * and people write it.
     */
    private static int separatorLength(CharSequence text, int p) {
        char c = text.charAt(p);
        if (c == ' ' && p + 2 < text.length() && text.charAt(p + 2) == ' ' && isMark(text.charAt(p + 1))) {
            return 3;
        }
        return c == ' ' || c == '_' || isMark(c) ? 1 : 0;
    }

    private static boolean isGlue(CharSequence text, int at) {
        return at >= 0 && at < text.length() && (Chars.isAsciiLetter(text.charAt(at)) || text.charAt(at) == '_');
    }

    private static boolean isMark(char c) {
        return c == '-' || c == '.' || c == '/';
    }

    private static boolean sameSeparator(CharSequence text, int first, int second, int length) {
        if (second + length > text.length()) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (text.charAt(first + k) != text.charAt(second + k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSsn(CharSequence text, int start, int end) {
        int[] digits = new int[9];
        int count = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (Chars.isDigit(c)) {
                digits[count++] = c - '0';
            }
        }
        int area = digits[0] * 100 + digits[1] * 10 + digits[2];
        int group = digits[3] * 10 + digits[4];
        int serial = digits[5] * 1000 + digits[6] * 100 + digits[7] * 10 + digits[8];
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        if ((area == 78 && group == 5 && serial == 1120) || (area == 219 && group == 9 && serial == 9999)) {
            return false;
        }
        List<String> words = PrecedingWords.before(text, start, 3, 32);
        return PrecedingWords.verdict(words, SSN_WORDS, OTHER_NUMBER_WORDS) >= 0;
    }
}
