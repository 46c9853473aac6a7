package dev.tracegate.masking.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The few words just before a candidate, lower-cased, nearest first. Detectors use them to tell a
 * card number from an order number and a phone number from a quantity; they look only a short,
 * fixed distance back, so the cost per candidate is constant.
 */
final class PrecedingWords {

    private static final int MAX_WORD = 24;

    private PrecedingWords() {
    }

    /** Up to {@code maxWords} words ending before {@code position}, looking back at most {@code maxChars}. */
    static List<String> before(CharSequence text, int position, int maxWords, int maxChars) {
        List<String> words = new ArrayList<>(maxWords);
        int limit = Math.max(0, position - maxChars);
        int i = position - 1;
        while (words.size() < maxWords && i >= limit) {
            while (i >= limit && !isWordLetter(text.charAt(i))) {
                i--;
            }
            if (i < limit) {
                break;
            }
            int end = i + 1;
            while (i >= limit && isWordLetter(text.charAt(i)) && end - i <= MAX_WORD) {
                i--;
            }
            words.add(text.subSequence(i + 1, end).toString().toLowerCase(Locale.ROOT));
        }
        return words;
    }

    /**
     * Weighs the words: {@code +1} when any is in {@code positive}, else {@code -1} when any is in
     * {@code negative}, else {@code 0}. A word for the entity wins over a word for something else
     * ("card number for the order: 4111 ..."), because a missed entity leaks and a masked order
     * number does not.
     */
    static int verdict(List<String> words, Set<String> positive, Set<String> negative) {
        if (anyIn(words, positive)) {
            return 1;
        }
        return anyIn(words, negative) ? -1 : 0;
    }

    static boolean anyIn(List<String> words, Set<String> set) {
        for (String word : words) {
            if (set.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** Letters only: digits, underscores and punctuation separate words, so {@code card_no} reads as card, no. */
    private static boolean isWordLetter(char c) {
        return c < 128 ? Chars.isAsciiLetter(c) : Character.isLetter(c);
    }
}
