package dev.tracegate.masking.detect;

import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A password told in a sentence rather than assigned: {@code my password is hunter2!}, {@code the
 * new passphrase was "Tr0ub4dor&3"}, {@code PIN is 4821}, {@code the secret is now sk-...}. The name,
 * then {@code is}, {@code was}, {@code will be}, {@code is now} or {@code is set to} (an {@code =} is an assignment, read as one),
 * then the value: quoted, or one word. Sentences say far more about passwords than they tell one
 * ({@code the password is incorrect}, {@code password is required}), so a word counts only when
 * it is shaped as a password (see {@link #isToldPassword}) and no word a sentence goes on with; a
 * quoted value counts when it is no placeholder. A pass phrase of plain words cannot be told from prose and is
 * left.
 */
final class SpokenCredentials {

    /** Not {@code pwd}, which in a sentence is mostly the shell's working directory ({@code pwd is /home/ada}). */
    private static final String[] NAMES = {"password", "passwd", "passphrase", "passcode", "pin", "secret"};
    private static final String[] VERBS = {" is set to ", " is now ", " will be ", " is: ", " was: ", " is ", " was "};
    private static final int MAX_VALUE = 128;
    /** Words a sentence about a password goes on with, which are no password whatever marks follow them. */
    private static final Set<String> SENTENCE_WORDS = Set.of("incorrect", "correct", "required", "expired", "invalid",
            "wrong", "empty", "missing", "changed", "reset", "weak", "strong", "too", "not", "the", "a", "an", "set",
            "valid", "blank", "stored", "hashed", "encrypted", "protected", "case-sensitive", "unknown");

    private SpokenCredentials() {
    }

    /** Adds the values told after a credential's name in {@code text} to {@code out}, in text order. */
    static void find(CharSequence text, List<Match> out) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if ((c | 0x20) != 'p' && (c | 0x20) != 's' || i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
                continue;
            }
            int nameEnd = nameEnd(text, i);
            if (nameEnd < 0) {
                continue;
            }
            int valueStart = afterVerb(text, nameEnd);
            if (valueStart < 0) {
                continue;
            }
            int valueEnd = valueEnd(text, valueStart, isPin(text, i, nameEnd));
            if (valueEnd > valueStart) {
                boolean quoted = isQuote(text.charAt(valueStart));
                out.add(new Match(quoted ? valueStart + 1 : valueStart, valueEnd, EntityType.SECRET));
                i = valueEnd;
            }
        }
    }

    private static int nameEnd(CharSequence text, int i) {
        for (String name : NAMES) {
            int end = i + name.length();
            if (end <= text.length() && regionIs(text, i, name) && (end == text.length() || !Character.isLetter(text.charAt(end)))) {
                return end;
            }
        }
        return -1;
    }

    private static int afterVerb(CharSequence text, int nameEnd) {
        for (String verb : VERBS) {
            if (nameEnd + verb.length() < text.length() && regionIs(text, nameEnd, verb)) {
                return nameEnd + verb.length();
            }
        }
        return -1;
    }

    /** Whether the name is a PIN's or a passcode's, which are digits alone. */
    private static boolean isPin(CharSequence text, int start, int end) {
        return end - start == 3 || regionIs(text, start, "passcode");
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'' || c == '`';
    }

    /** The end of the value told from {@code start} (before its closing quote), or -1 when what follows is no password. */
    private static int valueEnd(CharSequence text, int start, boolean digitsAlone) {
        char first = text.charAt(start);
        if (isQuote(first)) {
            int close = start + 1;
            while (close < text.length() && close - start <= MAX_VALUE && text.charAt(close) != first) {
                close++;
            }
            if (close >= text.length() || text.charAt(close) != first) {
                return -1;
            }
            String value = text.subSequence(start + 1, close).toString();
            return !value.contains(" ") && SecretDetector.looksLikePassword(value) ? close : -1;
        }
        int end = start;
        while (end < text.length() && end - start <= MAX_VALUE && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        int wordEnd = end;
        while (wordEnd > start && !Character.isLetterOrDigit(text.charAt(wordEnd - 1))) {
            wordEnd--; // judged without marks after it: the sentence's, a quote's, markup's (troff's \&., &quot;)
        }
        while (end > wordEnd && ".,;:)\"'".indexOf(text.charAt(end - 1)) >= 0) {
            end--; // masked with the marks a password may end in (hunter2!), not the sentence's own
        }
        return isToldPassword(text.subSequence(start, wordEnd).toString(), digitsAlone) ? end : -1;
    }

    /**
     * Whether an unquoted word told as a password is one: a PIN's four to eight digits, or six
     * characters or more with a letter and a digit, or three of lower case, upper case, digits and
     * marks; and no word a sentence goes on with. A constant's name ({@code GNUTLS_E_DECRYPTION_FAILED}),
     * an algorithm ({@code md5}) or a word with markup after it is no password told.
     */
    private static boolean isToldPassword(String value, boolean digitsAlone) {
        if (!SecretDetector.looksLikePassword(value) || SENTENCE_WORDS.contains(value.toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (digitsAlone && value.length() >= 4 && value.length() <= 8 && value.chars().allMatch(Character::isDigit)) {
            return true;
        }
        int classes = SecretDetector.characterClasses(value);
        boolean letterAndDigit = (classes & SecretDetector.DIGIT) != 0 && (classes & (SecretDetector.LOWER | SecretDetector.UPPER)) != 0;
        return value.length() >= 6 && (letterAndDigit || Integer.bitCount(classes) >= 3);
    }

    private static boolean regionIs(CharSequence text, int at, String lowerCase) {
        for (int k = 0; k < lowerCase.length(); k++) {
            char c = text.charAt(at + k);
            if (Character.toLowerCase(c) != lowerCase.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
