package dev.tracegate.masking;

/**
 * English number words beyond single digits, as a card or phone number is read out in pairs or
 * groups: {@code forty-one eleven} (4111), {@code four thousand one hundred eleven} (4111), {@code
 * nineteen hundred eighty four} (1984). A phrase is a whole number below a million written as
 * people say it: a value below a hundred (a teen, a ten with or without a unit after it, or, before
 * {@code hundred} or {@code thousand} or after them, a unit), optionally times a hundred and then a
 * thousand, each followed by what it adds ({@code and} allowed there, as British English says it).
 * {@link SpelledDigits} writes each phrase as its decimal digits in a run, next to the digits and
 * digit words around it; a phrase never starts with a bare unit, so {@code four one} stays two
 * digits and only {@code forty one} is 41.
 */
final class NumberWords {

    /** What {@link #word} answers for {@code hundred} and {@code thousand}. */
    static final int HUNDRED = 100;
    static final int THOUSAND = 1000;

    private static final String[] TEENS = {"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
        "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

    /** The longest of these words ({@code seventeen}). */
    static final int LONGEST = 9;

    private NumberWords() {
    }

    /** A phrase read: its value and where its last word ends. */
    record Phrase(long value, int end) {
    }

    /** All the words, for {@link SpelledDigits}' look-up of word shapes. */
    static String[] all() {
        String[] all = new String[TEENS.length + TENS.length + 2];
        System.arraycopy(TEENS, 0, all, 0, TEENS.length);
        System.arraycopy(TENS, 0, all, TEENS.length, TENS.length);
        all[all.length - 2] = "hundred";
        all[all.length - 1] = "thousand";
        return all;
    }

    /**
     * The value of the ASCII word {@code text[start, end)} in any case: 10 to 19 for a teen, 20 to 90
     * for a ten, {@link #HUNDRED} or {@link #THOUSAND}; -1 for any other word.
     */
    static int word(CharSequence text, int start, int end) {
        int length = end - start;
        if (length < 3 || length > LONGEST) {
            return -1;
        }
        for (int k = 0; k < TEENS.length; k++) {
            if (SpelledDigits.is(text, start, end, TEENS[k])) {
                return 10 + k;
            }
        }
        for (int k = 0; k < TENS.length; k++) {
            if (SpelledDigits.is(text, start, end, TENS[k])) {
                return 20 + 10 * k;
            }
        }
        return SpelledDigits.is(text, start, end, "hundred") ? HUNDRED : SpelledDigits.is(text, start, end, "thousand") ? THOUSAND : -1;
    }

    /**
     * The phrase that starts at the word {@code text[start, ...)}, or {@code null} when none does: a
     * teen or a ten, or a unit followed by {@code hundred} or {@code thousand}.
     */
    static Phrase at(CharSequence text, int start) {
        Phrase small = belowThousand(text, start);
        if (small == null) {
            return null;
        }
        Phrase thousands = times(text, small, THOUSAND);
        return thousands != null ? thousands : small.value() >= 10 ? small : null;
    }

    /** A value below a thousand at {@code start}: below a hundred, then {@code hundred} and what it adds. */
    private static Phrase belowThousand(CharSequence text, int start) {
        Phrase small = belowHundred(text, start);
        if (small == null) {
            return null;
        }
        Phrase hundreds = times(text, small, HUNDRED);
        return hundreds != null ? hundreds : small;
    }

    /**
     * {@code small} times {@code scale} when the word after it is that scale's ({@code hundred},
     * {@code thousand}), plus the smaller value after it; {@code null} when that word does not follow.
     */
    private static Phrase times(CharSequence text, Phrase small, int scale) {
        int next = wordStart(text, small.end());
        int nextEnd = wordEnd(text, next);
        if (word(text, next, nextEnd) != scale) {
            return null;
        }
        int restStart = afterAnd(text, nextEnd);
        Phrase rest = scale == THOUSAND ? belowThousand(text, restStart) : belowHundred(text, restStart);
        return rest == null ? new Phrase(small.value() * scale, nextEnd) : new Phrase(small.value() * scale + rest.value(), rest.end());
    }

    /** A unit one to nine, a teen, or a ten with the unit after it ({@code forty-one}, {@code forty one}) or without. */
    private static Phrase belowHundred(CharSequence text, int start) {
        int end = wordEnd(text, start);
        if (end == start) {
            return null;
        }
        int unit = SpelledDigits.digit(text, start, end);
        if (unit > 0 && end - start > 1) {
            return new Phrase(unit, end);
        }
        int value = word(text, start, end);
        if (value < 10 || value >= HUNDRED) {
            return null;
        }
        if (value >= 20) {
            int next = wordStart(text, end);
            int nextEnd = wordEnd(text, next);
            int after = next < nextEnd && nextEnd - next > 1 ? SpelledDigits.digit(text, next, nextEnd) : -1;
            if (after > 0) {
                return new Phrase(value + after, nextEnd);
            }
        }
        return new Phrase(value, end);
    }

    /** After {@code hundred} or {@code thousand} ending at {@code end}: the next word's start, past an {@code and}. */
    private static int afterAnd(CharSequence text, int end) {
        int next = wordStart(text, end);
        int nextEnd = wordEnd(text, next);
        return SpelledDigits.is(text, next, nextEnd, "and") ? wordStart(text, nextEnd) : next;
    }

    /** The start of the word after one ending at {@code end}: past a single space or hyphen (the end when none). */
    private static int wordStart(CharSequence text, int end) {
        return end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '-')
                && end + 1 < text.length() && SpelledDigits.isAsciiLetter(text.charAt(end + 1)) ? end + 1 : end;
    }

    /** The end of the ASCII letters at {@code start}, when none comes before it. */
    private static int wordEnd(CharSequence text, int start) {
        if (start > 0 && start < text.length() && SpelledDigits.isAsciiLetter(text.charAt(start - 1))) {
            return start;
        }
        int k = start;
        while (k < text.length() && SpelledDigits.isAsciiLetter(text.charAt(k))) {
            k++;
        }
        return k;
    }
}
