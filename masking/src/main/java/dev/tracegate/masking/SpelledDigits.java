package dev.tracegate.masking;

import java.util.Arrays;

/**
 * Numbers spelled a digit a word, as a card or phone number is read out or typed to slip past a
 * filter: {@code four one one one ...}, {@code Five-Five-Five, oh one two three}, words and digits
 * mixed ({@code 4 one 1 one}, {@code 555 one two three}, {@code 4one1one}), {@code double four} and
 * {@code triple one}, in any case, and read out in pairs and groups ({@code forty-one eleven},
 * {@code four thousand one hundred eleven}, {@code 41 eleven 1111}: each {@link NumberWords} phrase
 * written as its value's digits). The detectors read digits, so a text that spells one is read
 * again with each run of such words and digits written as its digits, the words around it as they
 * are: {@code card: four one one one ...} reads {@code card: 4111...}, {@code SSN one two three,
 * four five, ...} reads {@code SSN 123456789}, and the detectors' own rules decide (a card's issuer
 * range and Luhn check, a phone word before a phone number's bare digits, an SSN word before nine
 * bare digits). A find there masks the whole spelled span.
 *
 * <p>A run holds at least {@value #MIN_WORDS} of the words zero to nine or "oh" and {@value
 * #MIN_DIGITS} digits in all, the shortest number a detector reads: prose's "one or two" and "one
 * of the three" are no run, since any other word ends one. A single "o" is read as a zero inside a
 * run only, and never counts as one of its words ({@code I/O 555 1234}).
 */
final class SpelledDigits {

    /** Words zero to nine or "oh" a run needs: one is a word in a sentence ({@code version 2 one day}). */
    static final int MIN_WORDS = 2;
    /** The fewest digits any number detector reads (a phone number without its area code). */
    static final int MIN_DIGITS = 7;
    /** What may stand between two of a run's words or digits: up to three of space, tab, hyphen, comma and parentheses. */
    private static final int MAX_SEPARATOR = 3;

    /** Zero to nine, "oh" and radio's "niner": the words a run counts. */
    private static final String[] COUNTED_WORDS = {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine", "niner"};
    /**
     * The shapes of the lower-case runs that may end a counted word, by length, first and last
     * letter: the word itself ({@code four}) or all of it but a capital ({@code our} of {@code Four}).
     * One look-up rules out nearly every other word ({@code the}, {@code and}, {@code with}), which
     * {@link TextFacts} asks about each run of a text.
     */
    private static final boolean[] RUN_SHAPES = new boolean[(NumberWords.LONGEST + 1) * 26 * 26];

    static {
        for (String[] words : new String[][] {COUNTED_WORDS, NumberWords.all()}) {
            for (String word : words) {
                char last = word.charAt(word.length() - 1);
                RUN_SHAPES[shape(word.length(), word.charAt(0), last)] = true;
                RUN_SHAPES[shape(word.length() - 1, word.charAt(1), last)] = true;
            }
        }
    }

    private SpelledDigits() {
    }

    private static int shape(int length, char first, char last) {
        return (length * 26 + (first - 'a')) * 26 + (last - 'a');
    }

    /**
     * Whether a run of {@code length} lower-case ASCII letters from {@code first} to {@code last} may
     * end a counted word ({@link #isDigitWord}) or a {@link NumberWords} word, alone or after a
     * capital; cheap enough to ask of every word of a text.
     */
    static boolean mayEndDigitWord(int length, char first, char last) {
        return length <= NumberWords.LONGEST && RUN_SHAPES[shape(length, first, last)];
    }

    /**
     * What the ASCII word {@code text[start, end)} counts toward a text's {@code MIN_WORDS}: 1 for a
     * digit word, {@code hundred} or {@code thousand}, 2 for a teen or a ten (a number of two digits
     * on its own, as in {@code 41 eleven 1111 ...}), 0 for any other word.
     */
    static int wordWeight(CharSequence text, int start, int end) {
        if (isDigitWord(text, start, end)) {
            return 1;
        }
        int value = NumberWords.word(text, start, end);
        return value < 0 ? 0 : value < NumberWords.HUNDRED ? 2 : 1;
    }

    /**
     * A text read with its spelled runs as digits: the read text, and for each run, in order, where
     * it stands in the read text and in the text as written.
     */
    record Reading(String text, int[] readStarts, int[] readEnds, int[] writtenStarts, int[] writtenEnds) {

        /** Whether the read span {@code [start, end)} takes in a digit of a spelled run. */
        boolean touchesRun(int start, int end) {
            for (int r = 0; r < readStarts.length; r++) {
                if (readStarts[r] < end && start < readEnds[r]) {
                    return true;
                }
            }
            return false;
        }

        /** Where the read position {@code start} stands as written: a run's start when inside one. */
        int writtenStart(int start) {
            int shift = 0;
            for (int r = 0; r < readStarts.length && readStarts[r] <= start; r++) {
                if (start < readEnds[r]) {
                    return writtenStarts[r];
                }
                shift = writtenEnds[r] - readEnds[r];
            }
            return start + shift;
        }

        /** Where the read end {@code end} (exclusive) stands as written: a run's end when inside one. */
        int writtenEnd(int end) {
            int shift = 0;
            for (int r = 0; r < readStarts.length && readStarts[r] < end; r++) {
                if (end <= readEnds[r]) {
                    return writtenEnds[r];
                }
                shift = writtenEnds[r] - readEnds[r];
            }
            return end + shift;
        }
    }

    /**
     * The digit the ASCII word {@code text[start, end)} spells in any case (zero to nine, "oh" and
     * "o" for zero), or -1.
     */
    static int digit(CharSequence text, int start, int end) {
        int length = end - start;
        if (length < 1 || length > 5) {
            return -1;
        }
        return switch (lower(text.charAt(start))) {
            case 'z' -> is(text, start, end, "zero") ? 0 : -1;
            case 'o' -> length == 1 || is(text, start, end, "oh") ? 0 : is(text, start, end, "one") ? 1 : -1;
            case 't' -> is(text, start, end, "two") ? 2 : is(text, start, end, "three") ? 3 : -1;
            case 'f' -> is(text, start, end, "four") ? 4 : is(text, start, end, "five") ? 5 : -1;
            case 's' -> is(text, start, end, "six") ? 6 : is(text, start, end, "seven") ? 7 : -1;
            case 'e' -> is(text, start, end, "eight") ? 8 : -1;
            case 'n' -> is(text, start, end, "nine") || is(text, start, end, "niner") ? 9 : -1; // niner: radio's nine
            default -> -1;
        };
    }

    /** Whether the ASCII word {@code text[start, end)} is one of a run's counted words: zero to nine or "oh", not "o". */
    static boolean isDigitWord(CharSequence text, int start, int end) {
        return end - start > 1 && digit(text, start, end) >= 0;
    }

    /** The letters a counted word starts with (z o t f s e n) and ends with (o h e x r n t), as bits from 'a'. */
    private static final int INITIALS = bits("zotfsen");
    private static final int FINALS = bits("ohexrnt");
    /** The longest word of digit words written together that is read ({@code fouroneoneone...}). */
    private static final int MAX_GLUED = 96;

    private static int bits(String letters) {
        int bits = 0;
        for (int k = 0; k < letters.length(); k++) {
            bits |= 1 << (letters.charAt(k) - 'a');
        }
        return bits;
    }

    /**
     * Whether a word of more than five letters from {@code first} to {@code last} (lower case) may be
     * digit words written together, {@code fouroneone} (or with a zero-width space between them, which
     * the reading form drops): cheap enough to ask of every long word.
     */
    static boolean mayBeGlued(char first, char last) {
        return first >= 'a' && first <= 'z' && last >= 'a' && last <= 'z' && (INITIALS >>> (first - 'a') & 1) != 0
                && (FINALS >>> (last - 'a') & 1) != 0;
    }

    /**
     * How many counted words the ASCII word {@code text[start, end)} spells: 1 for a counted word, the
     * number of them for two or more written together ({@code fouroneone}: 3), else 0.
     */
    static int countedWords(CharSequence text, int start, int end) {
        if (isDigitWord(text, start, end)) {
            return 1;
        }
        int words = end - start > 5 && end - start <= MAX_GLUED ? glued(text, start, end, null) : -1;
        return words >= MIN_WORDS ? words : 0;
    }

    /**
     * The counted words {@code text[start, end)} splits into, each a digit word, appending their
     * digits to {@code digits} when given; -1 when it does not split so. The longest word is tried
     * first ({@code niner} before {@code nine}, {@code oh} before {@code o}), then the shorter.
     */
    private static int glued(CharSequence text, int start, int end, StringBuilder digits) {
        if (start == end) {
            return 0;
        }
        for (int length = Math.min(5, end - start); length >= 1; length--) {
            int digit = digit(text, start, start + length);
            if (digit < 0) {
                continue;
            }
            int rest = glued(text, start + length, end, null);
            if (rest >= 0) {
                if (digits != null) {
                    digits.append((char) ('0' + digit));
                    glued(text, start + length, end, digits);
                }
                return rest + (length > 1 ? 1 : 0);
            }
        }
        return -1;
    }

    /** How often "double" or "triple" says the next digit is written (2, 3), or 0. */
    private static int repeats(CharSequence text, int start, int end) {
        return is(text, start, end, "double") ? 2 : is(text, start, end, "triple") ? 3 : 0;
    }

    /** {@code text} read with its spelled runs as digits, or {@code null} when it spells none. */
    static Reading of(String text) {
        StringBuilder read = null;
        int[] bounds = new int[0]; // per run: read start, read end, written start, written end
        int runs = 0;
        int copied = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (!isAsciiLetter(c) && !isDigit(c)) {
                i++;
                continue;
            }
            int tokenEnd = tokenEnd(text, i);
            Run run = mayStartRun(text, i, tokenEnd) ? runAt(text, i) : null;
            if (run == null || run.digits() == null) {
                // every later start inside a run too short is a shorter run: read on after it
                i = run == null ? tokenEnd : Math.max(tokenEnd, run.end());
                continue;
            }
            // an area code in parentheses, (four one five) five five five ...: its opening one is read with it
            int start = i > copied && text.charAt(i - 1) == '(' ? i - 1 : i;
            read = read == null ? new StringBuilder(text.length()) : read;
            read.append(text, copied, start);
            if (bounds.length < (runs + 1) * 4) {
                bounds = Arrays.copyOf(bounds, Math.max(8, bounds.length * 2));
            }
            bounds[runs * 4] = read.length();
            read.append(run.digits());
            bounds[runs * 4 + 1] = read.length();
            bounds[runs * 4 + 2] = start;
            bounds[runs * 4 + 3] = run.end();
            runs++;
            copied = run.end();
            i = run.end();
        }
        if (read == null) {
            return null;
        }
        read.append(text, copied, n);
        int[] readStarts = new int[runs];
        int[] readEnds = new int[runs];
        int[] writtenStarts = new int[runs];
        int[] writtenEnds = new int[runs];
        for (int r = 0; r < runs; r++) {
            readStarts[r] = bounds[r * 4];
            readEnds[r] = bounds[r * 4 + 1];
            writtenStarts[r] = bounds[r * 4 + 2];
            writtenEnds[r] = bounds[r * 4 + 3];
        }
        return new Reading(read.toString(), readStarts, readEnds, writtenStarts, writtenEnds);
    }

    /** A run of words and digits: where it ends as written and the digits it spells ({@code null} when too short to read). */
    private record Run(int end, String digits) {
    }

    /**
     * Where the run of digit words and digits that ends {@code text} starts (its last separators
     * after it, as a number still being printed has them), when it holds a counted word; {@code
     * text.length()} when none does. Not before {@code floor}. The terminal masker holds such a tail
     * back at a quiet moment, as it holds digits, so a number spelled in pieces is masked whole.
     */
    static int trailingRunStart(CharSequence text, int floor) {
        int start = text.length();
        int k = start;
        boolean counted = false;
        while (true) {
            int separators = 0;
            while (k > floor && separators < MAX_SEPARATOR && isSeparator(text.charAt(k - 1))) {
                k--;
                separators++;
            }
            int tokenStart = k;
            boolean letters = tokenStart > floor && isAsciiLetter(text.charAt(tokenStart - 1));
            while (tokenStart > floor && (letters ? isAsciiLetter(text.charAt(tokenStart - 1)) : isDigit(text.charAt(tokenStart - 1)))) {
                tokenStart--;
            }
            if (tokenStart == k || (letters && digit(text, tokenStart, k) < 0 && repeats(text, tokenStart, k) == 0
                    && !is(text, tokenStart, k, "plus") && NumberWords.word(text, tokenStart, k) < 0
                    && !is(text, tokenStart, k, "and"))) {
                return counted ? start : text.length();
            }
            counted |= letters && wordWeight(text, tokenStart, k) > 0 && !is(text, tokenStart, k, "and");
            start = tokenStart;
            k = tokenStart;
        }
    }

    /** Whether the token {@code text[start, end)} may start a run: digits, a digit word or "double", and no letter before it. */
    private static boolean mayStartRun(CharSequence text, int start, int end) {
        if (start > 0 && isAsciiLetter(text.charAt(start - 1))) {
            return false;
        }
        return isDigit(text.charAt(start)) || digit(text, start, end) >= 0 || repeats(text, start, end) > 0
                || is(text, start, end, "plus") || isTeenOrTen(text, start, end) || countedWords(text, start, end) > 0;
    }

    /**
     * The run of digit words and digits starting at the token {@code start}. Commas that set some
     * words apart group the digits, as digits are grouped ({@code four one one one, one one one one,
     * ...} reads {@code 4111 1111 ...}, two cards in a list read as two numbers); a comma after every
     * word is a list of digits, read as one number ({@code four, one, one, ...}).
     */
    private static Run runAt(CharSequence text, int start) {
        StringBuilder digits = new StringBuilder();
        int end = start;
        int position = start;
        if (is(text, start, tokenEnd(text, start), "plus")) {
            digits.append('+'); // an international number read out: "plus four four ..."
            position = separatorEnd(text, tokenEnd(text, start));
        }
        int plus = digits.length();
        StringBuilder grouped = new StringBuilder(digits);
        int group = 0;
        int longestGroup = 0;
        int words = 0;
        int repeat = 1;
        while (position < text.length()) {
            int tokenEnd = tokenEnd(text, position);
            if (tokenEnd == position) {
                break;
            }
            int digit = isDigit(text.charAt(position)) ? -1 : digit(text, position, tokenEnd);
            NumberWords.Phrase phrase = digit != 0 && !isDigit(text.charAt(position))
                    && (digit > 0 || isTeenOrTen(text, position, tokenEnd)) ? NumberWords.at(text, position) : null;
            if (phrase != null) {
                if (repeat > 1) {
                    break; // "double forty" is no way to write a number
                }
                if (digits.length() > plus && hasComma(text, end, position)) {
                    grouped.append(' ');
                    group = 0;
                }
                int before = digits.length();
                digits.append(phrase.value());
                grouped.append(digits, before, digits.length());
                group += digits.length() - before;
                longestGroup = Math.max(longestGroup, group);
                words += 2;
                end = phrase.end();
                position = separatorEnd(text, end);
                continue;
            }
            int together = digit < 0 && !isDigit(text.charAt(position)) && repeat == 1 ? countedWords(text, position, tokenEnd) : 0;
            if (together > 0) {
                if (digits.length() > plus && hasComma(text, end, position)) {
                    grouped.append(' ');
                    group = 0;
                }
                int before = digits.length();
                glued(text, position, tokenEnd, digits);
                grouped.append(digits, before, digits.length());
                group += digits.length() - before;
                longestGroup = Math.max(longestGroup, group);
                words += together;
                end = tokenEnd;
                position = separatorEnd(text, tokenEnd);
                continue;
            }
            if (digit < 0 && !isDigit(text.charAt(position))) {
                int times = repeats(text, position, tokenEnd);
                if (times == 0 || repeat > 1) {
                    break;
                }
                repeat = times;
                position = separatorEnd(text, tokenEnd);
                continue; // the run ends before it unless a digit follows
            }
            if (repeat > 1 && digit < 0 && tokenEnd - position > 1) {
                break; // "double 44" is no way to write a number
            }
            if (digits.length() > plus && hasComma(text, end, position)) {
                grouped.append(' ');
                group = 0;
            }
            int before = digits.length();
            for (int r = 0; r < repeat; r++) {
                if (digit < 0) {
                    digits.append(text, position, tokenEnd);
                } else {
                    digits.append((char) ('0' + digit));
                }
            }
            grouped.append(digits, before, digits.length());
            group += digits.length() - before;
            longestGroup = Math.max(longestGroup, group);
            words += digit >= 0 && isDigitWord(text, position, tokenEnd) ? 1 : 0;
            repeat = 1;
            end = tokenEnd;
            position = separatorEnd(text, tokenEnd);
        }
        if (words < MIN_WORDS || digits.length() - plus < MIN_DIGITS) {
            return new Run(end, null);
        }
        return new Run(end, longestGroup > 1 ? grouped.toString() : digits.toString());
    }

    /** Whether the word {@code text[start, end)} is ten to nineteen or twenty to ninety, which start a {@link NumberWords} phrase. */
    private static boolean isTeenOrTen(CharSequence text, int start, int end) {
        int value = NumberWords.word(text, start, end);
        return value >= 10 && value < NumberWords.HUNDRED;
    }

    private static boolean hasComma(CharSequence text, int from, int to) {
        for (int k = from; k < to; k++) {
            if (text.charAt(k) == ',') {
                return true;
            }
        }
        return false;
    }

    /** The end of the ASCII letters or the digits at {@code i} (a word glued to digits, {@code 4one}, is a token of its own). */
    private static int tokenEnd(CharSequence text, int i) {
        int k = i;
        if (k < text.length() && isDigit(text.charAt(k))) {
            while (k < text.length() && isDigit(text.charAt(k))) {
                k++;
            }
        } else {
            while (k < text.length() && isAsciiLetter(text.charAt(k))) {
                k++;
            }
        }
        return k;
    }

    /** After a token ending at {@code i}: past up to three spaces, tabs, hyphens, commas and parentheses ({@code (four one five)}). */
    private static int separatorEnd(CharSequence text, int i) {
        int k = i;
        while (k < text.length() && k - i < MAX_SEPARATOR && isSeparator(text.charAt(k))) {
            k++;
        }
        return k;
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-' || c == ',' || c == '\t' || c == '(' || c == ')';
    }

    static boolean is(CharSequence text, int start, int end, String word) {
        if (end - start != word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (lower(text.charAt(start + k)) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
