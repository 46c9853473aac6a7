package dev.tracegate.masking;

/**
 * A few facts about a text, gathered in one pass before any detector runs, so that detectors which
 * cannot match are not run at all: a text whose longest number has six digits holds no card, SSN
 * or phone number. The pass costs about as much as one detector's scan and saves several on the
 * typical cell.
 *
 * @param longestNumberDigits digits in the longest run of digits and separators ({@code space tab - .
 *                            _ / ( ) +}): {@code 4111 1111 1111 1111} has 16. An upper bound for what
 *                            any number-shaped detector can see as one candidate
 * @param colons              how many {@code :} the text holds
 * @param lettersThenDigits   whether two ASCII letters are followed by two digits, as in an IBAN
 * @param atSpelling          whether the text holds something that can stand for an e-mail address's
 *                            {@code @}: the character itself; the start of an encoding of it ({@code
 *                            %40}, {@code &#64;}, {@code &commat;}, a backslash before {@code u} or
 *                            {@code x}); a bracket that may open a spelled-out sign ({@code (at)},
 *                            {@code [dot]}, {@code [.]}); quoted-printable's {@code =40}; the words "at" and "dot" both set off
 *                            by spaces; or "at" set off by spaces before a word with a dot ({@code ada.l at example.com})
 * @param dottedDigits        whether a {@code .} stands between two digits, as in every IPv4 address,
 *                            or a hyphen after three numbers of one to three digits joined by hyphens
 *                            and before a digit, as in an IPv4 address written in a host name
 * @param readAsWritten       whether the text is all ASCII and holds none of the characters that
 *                            start markup ({@code & % \ <}, a form's {@code +} between digits, a
 *                            quoted-printable soft line break): then its {@link ReadingForm reading
 *                            form} is the text itself, known without the two passes that form costs
 * @param base64Run           whether a run of at least {@value Base64Reading#MIN_RUN} characters of the
 *                            Base64 alphabets holds letters of both cases, as Base64 of text does: only
 *                            then is it worth decoding ({@link Base64Reading})
 * @param hexRun              whether a run of at least {@value HexReading#MIN_RUN} hex digits stands in
 *                            the text: only then is it worth decoding ({@link HexReading})
 * @param base32Run           whether a run of at least {@value Base32Reading#MIN_RUN} letters and digits
 *                            holds letters of one case only, as Base32 does: only then is it worth
 *                            decoding ({@link Base32Reading})
 * @param exponentDigits      whether a digit is followed by {@code e} or {@code E} and a digit (a sign
 *                            between them or not), as in {@code 4.111111111111111e+15}: a number in
 *                            exponent form, whose value may have more digits than are written
 * @param longestGroupedDigits digits in the longest run of digits and the marks that group thousands
 *                            ({@code , . ' ’} and space): {@code 4,111,111,111,111,111} has 16, which
 *                            {@code longestNumberDigits} reads as numbers of three ({@link GroupedThousands})
 * @param spelledDigitWords   how many words spell a digit ("zero" to "nine" and "oh", any case, not glued
 *                            to other letters), a teen or a ten counted twice and "hundred" and
 *                            "thousand" once ({@link SpelledDigits#wordWeight}): {@link SpelledDigits}
 *                            reads a text again only when it holds {@value SpelledDigits#MIN_WORDS} or more
 */
public record TextFacts(int longestNumberDigits, int colons, boolean lettersThenDigits, boolean atSpelling,
        boolean dottedDigits, boolean readAsWritten, boolean base64Run, boolean hexRun, boolean base32Run,
        boolean exponentDigits, int longestGroupedDigits, int spelledDigitWords) {

    /** How far the domain after {@code " at "} is read for a dot (a domain's first labels are shorter). */
    private static final int MAX_DOTTED_WORD = 64;

    /** Facts that rule nothing out, for callers that do not compute them. */
    public static final TextFacts UNKNOWN = new TextFacts(Integer.MAX_VALUE, Integer.MAX_VALUE, true, true, true, false,
            true, true, true, true, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public static TextFacts of(CharSequence text) {
        int longest = 0;
        int current = 0;
        int colons = 0;
        int letterRun = 0;
        int digitsAfterLetters = 0;
        boolean lettersThenDigits = false;
        boolean atSpelling = false;
        boolean atWord = false;
        boolean dotWord = false;
        boolean atWordBeforeDomain = false;
        boolean dottedDigits = false;
        boolean readAsWritten = true;
        int encodedRun = 0;
        int encodedCases = 0;
        boolean base64Run = false;
        int hexDigits = 0;
        boolean hexRun = false;
        int alnumRun = 0;
        int alnumCases = 0;
        boolean base32Run = false;
        boolean exponentDigits = false;
        int grouped = 0;
        int longestGrouped = 0;
        int spelledDigitWords = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 'a' && c <= 'z' && (c != 'e' || i == 0 || !isDigit(text.charAt(i - 1)))) {
                // A run of lower-case letters, most of any text, is taken whole: each of its letters
                // only ends the number runs and extends the letter runs, which the general path
                // below finds out through a dozen tests per character. Only a run's first letter
                // can follow a digit, so only it can be an exponent's e (left to that path).
                longestGrouped = Math.max(longestGrouped, grouped);
                grouped = 0;
                longest = Math.max(longest, current);
                current = 0;
                digitsAfterLetters = 0;
                int start = i;
                do {
                    hexDigits = c <= 'f' ? hexDigits + 1 : 0;
                    hexRun |= hexDigits >= HexReading.MIN_RUN;
                    i++;
                } while (i < n && (c = text.charAt(i)) >= 'a' && c <= 'z');
                int run = i - start;
                int weight = SpelledDigits.mayEndDigitWord(run, text.charAt(start), text.charAt(i - 1))
                        ? spellsDigitBefore(text, start, i) : 0;
                if (weight > 0) {
                    spelledDigitWords += weight;
                } else if (run > 4 && SpelledDigits.mayBeGlued(start > 0 && isUpper(text.charAt(start - 1))
                        ? asciiLower(text.charAt(start - 1)) : text.charAt(start), text.charAt(i - 1))) {
                    spelledDigitWords += digitWordsTogether(text, start, i); // fouroneone, or four<ZWSP>one read
                }
                encodedRun += run;
                encodedCases |= 1;
                alnumRun += run;
                alnumCases |= 1;
                letterRun += run;
                i--; // the loop's step moves past the run's last letter
                continue;
            }
            if (c == ' ') {
                // A space, the commonest character after them, ends the encoding, letter and hex runs
                // and continues the number and grouped runs (it separates both): what the general path
                // finds out through the same dozen tests, and the words "at" and "dot" after it.
                base64Run |= encodedRun >= Base64Reading.MIN_RUN && encodedCases == 3;
                encodedRun = 0;
                encodedCases = 0;
                base32Run |= alnumRun >= Base32Reading.MIN_RUN && (alnumCases == 1 || alnumCases == 2);
                alnumRun = 0;
                alnumCases = 0;
                hexDigits = 0;
                if (i + 3 < n) {
                    char next = asciiLower(text.charAt(i + 1));
                    if (next == 'a' && isWordAt(text, i, "at")) {
                        atWord = true;
                        atWordBeforeDomain |= dottedWordAt(text, i + 4);
                    } else if (next == 'd') {
                        dotWord |= isWordAt(text, i, "dot");
                    }
                }
                // One space may stand between an IBAN's country code and its check digits (DE 89 3704 ...):
                // the two letters before it still count when digits follow.
                if (letterRun != 2 || digitsAfterLetters > 0 || text.charAt(i - 1) == ' ') {
                    letterRun = 0;
                }
                digitsAfterLetters = 0;
                continue;
            }
            if (c >= '0' && c <= '9') {
                grouped++;
            } else if (!GroupedThousands.isSeparator(c)) {
                longestGrouped = Math.max(longestGrouped, grouped);
                grouped = 0;
            }
            if (Base64Reading.isAlphabet(c)) {
                encodedRun++;
                encodedCases |= c >= 'a' && c <= 'z' ? 1 : c >= 'A' && c <= 'Z' ? 2 : 0;
            } else {
                base64Run |= encodedRun >= Base64Reading.MIN_RUN && encodedCases == 3;
                encodedRun = 0;
                encodedCases = 0;
            }
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                alnumRun++;
                alnumCases |= c >= 'a' ? 1 : c >= 'A' ? 2 : 0;
            } else {
                base32Run |= alnumRun >= Base32Reading.MIN_RUN && (alnumCases == 1 || alnumCases == 2);
                alnumRun = 0;
                alnumCases = 0;
            }
            if (HexReading.isHexDigit(c)) {
                hexRun |= ++hexDigits >= HexReading.MIN_RUN;
            } else {
                hexDigits = 0;
            }
            if (c > '9' && c != '_') {
                if (current > longest) {
                    longest = current;
                }
                current = 0;
                boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                if (letter && c <= 'Z' && i + 1 < n && isUpper(text.charAt(i + 1)) && (i == 0 || !isAsciiLetter(text.charAt(i - 1)))
                        && spellsDigitAt(text, i) > 0) {
                    spelledDigitWords += spellsDigitAt(text, i); // a word in capitals (FOUR, OH), which no run of lower-case letters above ends
                }
                letterRun = letter ? letterRun + 1 : 0;
                digitsAfterLetters = 0;
                if ((c == 'e' || c == 'E') && i > 0 && text.charAt(i - 1) >= '0' && text.charAt(i - 1) <= '9') {
                    exponentDigits |= startsExponent(text, i + 1);
                } else if (c == ':') {
                    colons++;
                } else if (c == '@') {
                    atSpelling = true;
                } else if (c == '\\') {
                    atSpelling |= i + 1 < n && (text.charAt(i + 1) == 'u' || text.charAt(i + 1) == 'x');
                    readAsWritten = false;
                } else if (c == '[' || c == '{' || c == '<') {
                    atSpelling |= mayOpenSpelledOutSign(text, i + 1);
                    readAsWritten &= c != '<';
                } else if (c == '=') {
                    atSpelling |= i + 2 < n && text.charAt(i + 1) == '4' && text.charAt(i + 2) == '0';
                    readAsWritten &= MarkupDecoding.softLineBreakEnd(text, i) < 0 && !MarkupDecoding.isQuotedPrintableCharacter(text, i);
                } else if (c >= 0x80) {
                    readAsWritten = false;
                }
            } else if (c >= '0' && c != '_') {
                current++;
                if (letterRun >= 2 || digitsAfterLetters > 0) {
                    lettersThenDigits |= ++digitsAfterLetters >= 2;
                }
                letterRun = 0;
            } else {
                boolean separator = c == ' ' || c == '-' || c == '.' || c == '/' || c == '_' || c == '(' || c == ')' || c == '+'
                        || c == '\t';
                if (!separator) {
                    if (current > longest) {
                        longest = current;
                    }
                    current = 0;
                    readAsWritten &= c != '%' && c != '&';
                    atSpelling |= c == '%' || (c == '&' && i + 1 < n && (text.charAt(i + 1) == '#'
                            || asciiLower(text.charAt(i + 1)) == 'c'));
                } else if (c == '.') {
                    dottedDigits |= current > 0 && i + 1 < n && text.charAt(i + 1) >= '0' && text.charAt(i + 1) <= '9'
                            && text.charAt(i - 1) >= '0' && text.charAt(i - 1) <= '9';
                } else if (c == '-') {
                    dottedDigits |= current > 0 && i + 1 < n && isDigit(text.charAt(i + 1)) && endsThreeNumbers(text, i);
                } else if (c == '(') {
                    atSpelling |= mayOpenSpelledOutSign(text, i + 1);
                } else if (c == '_') {
                    atSpelling |= i + 3 < n && asciiLower(text.charAt(i + 1)) == 'a' && asciiLower(text.charAt(i + 2)) == 't'
                            && text.charAt(i + 3) == '_'; // ada.lovelace_at_example.com
                } else if (c == '+') {
                    readAsWritten &= !MarkupDecoding.isFormSpaceBetweenDigits(text, i);
                }
                letterRun = 0;
                digitsAfterLetters = 0;
            }
        }
        base64Run |= encodedRun >= Base64Reading.MIN_RUN && encodedCases == 3;
        base32Run |= alnumRun >= Base32Reading.MIN_RUN && (alnumCases == 1 || alnumCases == 2);
        return new TextFacts(Math.max(longest, current), colons, lettersThenDigits, atSpelling || (atWord && dotWord) || atWordBeforeDomain,
                dottedDigits, readAsWritten, base64Run, hexRun, base32Run, exponentDigits, Math.max(longestGrouped, grouped),
                spelledDigitWords);
    }

    /**
     * Whether three numbers of one to three digits joined by hyphens end at the hyphen {@code dash}:
     * with the number after it, four such numbers, an IPv4 address in a host name
     * ({@code ip-10-0-1-23.ec2.internal}). Dates and phone numbers have three groups or longer ones.
     */
    private static boolean endsThreeNumbers(CharSequence text, int dash) {
        int k = dash;
        for (int number = 0; number < 3; number++) {
            int end = k;
            while (k > 0 && isDigit(text.charAt(k - 1)) && end - k < 4) {
                k--;
            }
            if (end == k || end - k > 3 || (number < 2 && (k == 0 || text.charAt(--k) != '-'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the lower-case run {@code text[start, end)} counts as a word that spells a digit or a
     * number ({@link SpelledDigits#wordWeight}), alone or after the letter before it: a capital
     * (Four, Eleven), or an e after a digit (4eight).
     */
    private static int spellsDigitBefore(CharSequence text, int start, int end) {
        int wordStart = start > 0 && isAsciiLetter(text.charAt(start - 1)) ? start - 1 : start;
        return (end == text.length() || !isAsciiLetter(text.charAt(end)))
                && (wordStart == 0 || !isAsciiLetter(text.charAt(wordStart - 1))) ? SpelledDigits.wordWeight(text, wordStart, end) : 0;
    }

    /** How many digit words the lower-case run {@code text[start, end)} writes together, alone or after the letter before it. */
    private static int digitWordsTogether(CharSequence text, int start, int end) {
        int wordStart = start > 0 && isAsciiLetter(text.charAt(start - 1)) ? start - 1 : start;
        boolean bounded = (end == text.length() || !isAsciiLetter(text.charAt(end)))
                && (wordStart == 0 || !isAsciiLetter(text.charAt(wordStart - 1)));
        return bounded ? SpelledDigits.countedWords(text, wordStart, end) : 0;
    }

    /** What the word starting at {@code start} counts as a word that spells a digit or a number ({@link SpelledDigits#wordWeight}). */
    private static int spellsDigitAt(CharSequence text, int start) {
        int end = start + 1;
        while (end < text.length() && end - start <= NumberWords.LONGEST && isAsciiLetter(text.charAt(end))) {
            end++;
        }
        return end == text.length() || !isAsciiLetter(text.charAt(end)) ? SpelledDigits.wordWeight(text, start, end) : 0;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** After an {@code e} that follows a digit: a digit, or a sign and a digit. */
    private static boolean startsExponent(CharSequence text, int i) {
        int digit = i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-') ? i + 1 : i;
        return digit < text.length() && text.charAt(digit) >= '0' && text.charAt(digit) <= '9';
    }

    /** After a bracket and perhaps a space: "at", "dot" or "." as in {@code (at)}, {@code [ dot ]}, {@code [.]}. */
    private static boolean mayOpenSpelledOutSign(CharSequence text, int i) {
        int sign = i < text.length() && text.charAt(i) == ' ' ? i + 1 : i;
        if (sign >= text.length()) {
            return false;
        }
        char c = asciiLower(text.charAt(sign));
        return c == 'a' || c == 'd' || c == '.';
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /**
     * Whether the word at {@code i} has a dot between two letters or digits: a domain after {@code
     * " at "} ({@code alan.coopersmith at oracle.com}), which the e-mail detector then reads.
     */
    private static boolean dottedWordAt(CharSequence text, int i) {
        for (int k = i + 1; k + 1 < text.length() && k - i < MAX_DOTTED_WORD; k++) {
            char c = text.charAt(k);
            if (c == '.') {
                return Character.isLetterOrDigit(text.charAt(k - 1)) && Character.isLetterOrDigit(text.charAt(k + 1));
            }
            if (c == ' ' || c == '\n' || c == '\t') {
                return false;
            }
        }
        return false;
    }

    /** Whether {@code word} (any case) follows the space at {@code i}, with a space after it. */
    private static boolean isWordAt(CharSequence text, int i, String word) {
        int end = i + 1 + word.length();
        if (end >= text.length() || text.charAt(end) != ' ') {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (asciiLower(text.charAt(i + 1 + k)) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
