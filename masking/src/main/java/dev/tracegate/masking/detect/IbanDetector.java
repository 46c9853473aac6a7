package dev.tracegate.masking.detect;

import dev.tracegate.masking.Detector;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.TextFacts;
import java.util.List;
import java.util.Map;

/**
 * International bank account numbers: a known country code, two check digits and the country's exact
 * length, compact or in groups of four separated by single spaces (or hyphens or dots, one kind
 * throughout), passing the ISO 13616 mod-97 check. Single spaces may also stand elsewhere after the
 * check digits, as banks and people split an account by its parts ({@code DE8937 04004405
 * 32013000}, {@code DE89 37040044 0532013000}); then it has at most five groups, each after the first holds a digit and three characters or more (the last two, a French RIB key), so that prose after a
 * code ("GB22 lines were ...") and lists of small numbers are no candidates. Groups of three after
 * the check digits ({@code DE89 370 400 440 532 013 000}) are read too, and a space may follow the
 * country code ({@code DE 89 3704 0044 0532 0130 00}), as some banks print it. The scan triggers on
 * two digits that follow two letters (or two letters and a space), which is rare in prose. Glued to
 * letters ({@code ibanDE89370400440532013000x}) an IBAN is read compact only, when its account part
 * is digits after a bank code and no word of hex digits holds it.
 */
public final class IbanDetector implements Detector {

    /** Lengths from the SWIFT IBAN registry. */
    private static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
            Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
            Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29),
            Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
            Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
            Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23),
            Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
            Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
            Map.entry("LV", 21), Map.entry("LY", 25), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22),
            Map.entry("MK", 19), Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18),
            Map.entry("NO", 15), Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25),
            Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24), Map.entry("SC", 31),
            Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("ST", 25),
            Map.entry("SV", 28), Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29),
            Map.entry("VA", 22), Map.entry("VG", 24), Map.entry("XK", 20));

    /**
     * The most groups an IBAN split by its parts has: country and check digits, bank, branch, account
     * and a national check ({@code FR76 30006 00001 12345678901 89}); digits scattered in more groups
     * are a list of numbers more often than an account.
     */
    private static final int MAX_PARTS = 5;

    /** What may stand between groups of four, one kind throughout: {@code DE89 3704 ...}, {@code DE89-3704-...}, {@code DE89.3704....}. */
    private static final String GROUP_SEPARATORS = " -.";

    @Override
    public boolean mayMatch(TextFacts facts) {
        return facts.lettersThenDigits();
    }

    @Override
    public EntityType type() {
        return EntityType.IBAN;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        int n = text.length();
        int j = 2;
        while (j + 1 < n) {
            if (!Chars.isDigit(text.charAt(j))) {
                j++;
                continue;
            }
            int start = text.charAt(j - 1) == ' ' ? j - 3 : j - 2;
            if (start >= 0 && Chars.isDigit(text.charAt(j + 1)) && Chars.isAsciiLetter(text.charAt(start))
                    && Chars.isAsciiLetter(text.charAt(start + 1)) && !Chars.isDigitAt(text, start - 1)) {
                int end = candidateEnd(text, start);
                if (end > 0) {
                    out.add(new Match(start, end, EntityType.IBAN));
                    j = end + 2;
                    continue;
                }
            }
            j++;
        }
    }

    private static int candidateEnd(CharSequence text, int start) {
        String country = ("" + text.charAt(start) + text.charAt(start + 1)).toUpperCase(java.util.Locale.ROOT);
        Integer length = LENGTHS.get(country);
        if (length == null) {
            return -1;
        }
        int n = text.length();
        char[] compact = new char[length];
        int count = 0;
        int position = start;
        Boolean grouped = null;
        char separator = 0;
        boolean irregular = false;
        boolean weakGroup = false;
        int groups = 1;
        int groupStart = 0;
        boolean groupDigit = false;
        boolean threes = true;
        while (count < length && position < n) {
            char c = text.charAt(position);
            if (Chars.isAsciiAlnum(c)) {
                compact[count++] = Character.toUpperCase(c);
                groupDigit |= Chars.isDigit(c);
                position++;
            } else if (c == ' ' && count == 2 && position + 1 < n && Chars.isDigit(text.charAt(position + 1))) {
                // DE 89 3704 ...: some banks print a space after the country code; spaces then throughout
                separator = c;
                position++;
            } else if (GROUP_SEPARATORS.indexOf(c) >= 0 && (separator == 0 || c == separator) && count >= 4
                    && (atFour(count, grouped) || c == ' ') && position + 1 < n
                    && Chars.isAsciiAlnum(text.charAt(position + 1))) {
                irregular |= !atFour(count, grouped);
                weakGroup |= groupStart > 0 && (count - groupStart < 3 || !groupDigit);
                threes &= groupStart > 0 ? count - groupStart == 3 : count == 4;
                groupStart = count;
                groupDigit = false;
                groups++;
                grouped = Boolean.TRUE;
                separator = c;
                position++;
            } else {
                break;
            }
            if (count == 5 && grouped == null) {
                grouped = Boolean.FALSE;
            }
        }
        weakGroup |= groupStart > 0 && (count - groupStart < 2 || !groupDigit);
        threes &= groups > 2 && count - groupStart <= 3;
        boolean glued = Chars.isWordCharAt(text, start - 1) || Chars.isWordCharAt(text, position);
        if (count < length || Chars.isDigitAt(text, position)
                || (glued && (grouped == Boolean.TRUE || separator != 0 || !gluedMayBeIban(text, start, position, compact)))
                || (irregular && !threes && (weakGroup || groups > MAX_PARTS))) {
            return -1;
        }
        return mod97(compact) == 1 ? position : -1;
    }

    /** How far a word of hex digits around a glued candidate is read. */
    private static final int HEX_LOOK = 64;
    /** The characters after the check digits that may be letters (a bank's code: {@code NWBK}, {@code ABNA}, Italy's CIN). */
    private static final int BANK_CODE = 5;

    /**
     * Whether an IBAN written compact and glued to letters ({@code ibanDE89370400440532013000}, {@code
     * DE89370400440532013000x}, as a label or a concatenation writes it) is read as one: its account
     * part is digits after at most a bank code's letters, which random letters and digits (Base64, a
     * token) are not, and it stands in no word of hex digits (an upper-case digest, {@code ...BE71...},
     * whose decimal stretches are no IBAN).
     */
    private static boolean gluedMayBeIban(CharSequence text, int start, int end, char[] compact) {
        for (int k = 4 + BANK_CODE; k < compact.length; k++) {
            if (!Chars.isDigit(compact[k])) {
                return false;
            }
        }
        for (int k = start - 1; k >= 0 && start - k <= HEX_LOOK && Chars.isAsciiAlnum(text.charAt(k)); k--) {
            if (Character.digit(text.charAt(k), 16) < 0) {
                return true;
            }
        }
        for (int k = start; k < text.length() && k - start < compact.length + HEX_LOOK && Chars.isAsciiAlnum(text.charAt(k)); k++) {
            if (Character.digit(text.charAt(k), 16) < 0) {
                return true;
            }
        }
        return false; // every character around it is a hex digit
    }

    /** Whether a separator after {@code count} characters splits groups of four, as an IBAN is printed. */
    private static boolean atFour(int count, Boolean grouped) {
        return count % 4 == 0 && grouped != Boolean.FALSE;
    }

    /** ISO 7064 MOD 97-10 over the account moved behind its country code and check digits. */
    private static int mod97(char[] iban) {
        int remainder = 0;
        for (int k = 0; k < iban.length; k++) {
            char c = iban[(k + 4) % iban.length];
            if (Chars.isDigit(c)) {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
        }
        return remainder;
    }
}
