package dev.tracegate.masking.detect;

import dev.tracegate.masking.Detector;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.TextFacts;
import java.util.List;
import java.util.Set;

/**
 * Payment card numbers: 13 to 19 digits, bare or in groups separated by spaces, tabs and hyphens
 * (up to three of them, at most one hyphen, mixed freely) or by one kind of dot, underscore or slash
 * between groups of four, inside a known issuer range, passing the Luhn check, and not named by a
 * word for another kind of number just before it ("order 4111111111111111", "invoice no. ..."),
 * which names a number written as one run only. About one random
 * number in ten passes Luhn, so the issuer ranges and the context carry real weight.
 */
public final class CardDetector implements Detector {

    private static final int MIN_DIGITS = 13;
    private static final int MAX_DIGITS = 19;
    /** A card typed digit by digit has 19 groups at most. */
    private static final int MAX_GROUPS = MAX_DIGITS;
    /** The most digits a telephone number has (E.164). */
    private static final int MAX_PHONE_DIGITS = 15;
    /** How far a word of hex digits around a glued number is read ({@link #inHexString}). */
    private static final int HEX_LOOK = 64;

    private static final Set<String> CARD_WORDS = Set.of(
            "card", "cards", "visa", "mastercard", "amex", "cc", "ccn", "credit", "debit", "pan", "maestro",
            "discover", "jcb", "diners", "unionpay", "creditcard", "payment", "paid", "charged", "kreditkarte", "carte");
    private static final Set<String> OTHER_NUMBER_WORDS = Set.of(
            "order", "orders", "invoice", "inv", "tracking", "track", "ref", "reference", "txn", "transaction",
            "confirmation", "conf", "booking", "ticket", "receipt", "shipment", "parcel", "package", "imei", "serial",
            "sn", "sku", "isbn", "ean", "upc", "gtin", "barcode", "iccid", "meid", "policy", "claim", "case", "po",
            "account", "acct", "customer", "member", "id", "uuid", "batch", "lot", "build", "version", "timestamp",
            "epoch", "nonce", "checksum", "hash");

    /** Words between a word for another kind of number and its digits: {@code order no. 4111...}, {@code invoice number 4111...}. */
    private static final Set<String> NUMBER_CONNECTORS = Set.of("no", "nr", "number", "num", "is", "was", "of");

    /** What may stand between a card's groups, mixed freely: spaces, tabs and hyphens. */
    private static final String LOOSE_SEPARATORS = " \t-";
    /** Separators that also write versions, dates and paths: accepted only between groups of four. */
    private static final String STRICT_SEPARATORS = "._/";
    /**
     * Marks no number format writes between a card's groups, which a person uses to get one past a
     * filter ({@code 4111*1111*1111*1111}): accepted between groups of four after a card word only,
     * since {@code :} also writes times and addresses. {@code , ; |} are left out: they separate a
     * row's numbers, and one group of four numbers in thirty-three is a card by Luhn and range.
     */
    private static final String WORD_GATED_SEPARATORS = "~*:='";

    @Override
    public boolean mayMatch(TextFacts facts) {
        return facts.longestNumberDigits() >= MIN_DIGITS;
    }

    @Override
    public EntityType type() {
        return EntityType.CARD;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!Chars.isDigit(text.charAt(i))) {
                i++;
            } else if (paddedOrGluedCard(text, i, out)) {
                i = Chars.digitRunEnd(text, i);
            } else if (!Chars.numberMayStartAt(text, i) && !afterPlusTooLongForAPhone(text, i)) {
                i = Chars.digitRunEnd(text, i);
            } else {
                i = scan(text, i, out);
            }
        }
    }

    /**
     * A card number written whole as one run of digits that a rule for numbers would skip: padded
     * with zeros to a field's width ({@code 00004111111111111111}, a fixed-width record, a
     * {@code char(20)} column, ISO 8583's zero-filled fields), or glued to letters or an underscore
     * ({@code x4111111111111111}, {@code 4111111111111111n}, {@code card4111111111111111}, {@code
     * user_4111...}), as a label, a file name or a command that prefixes each line writes it. Found
     * when its digits without the zeros are 13 to 19 and a card (issuer range, Luhn, no word for
     * another kind of number before it or glued to it: {@code ref4111...} stays as {@code ref 4111...}
     * does); a hex literal ({@code 0x4111...}, {@literal \}{@code x4111...}) and a word of hex digits (a
     * digest, {@link #inHexString}) are hex, not one. The whole
     * run of digits, zeros included, is the find; the letters stay.
     */
    private static boolean paddedOrGluedCard(CharSequence text, int start, List<Match> out) {
        int end = Chars.digitRunEnd(text, start);
        boolean gluedBefore = start > 0 && isGlue(text.charAt(start - 1)) && !afterHexPrefix(text, start);
        boolean gluedAfter = end < text.length() && isGlue(text.charAt(end));
        int significant = start;
        while (significant < end && text.charAt(significant) == '0') {
            significant++;
        }
        int digits = end - significant;
        if ((significant == start && !gluedBefore && !gluedAfter) || digits < MIN_DIGITS || digits > MAX_DIGITS
                || ((gluedBefore || gluedAfter) && inHexString(text, start, end)) || !isCard(text, significant, end)) {
            return false;
        }
        out.add(new Match(start, end, EntityType.CARD));
        return true;
    }

    /**
     * Whether the digits {@code text[start, end)} stand in a word of hex digits with a letter among
     * them, as far as {@value #HEX_LOOK} characters either side: a digest, a commit id, a key or
     * UTF-16 written in hex, whose decimal stretches are no numbers ({@code commit
     * 65621723815138150e8a...}). A letter past {@code f}, an underscore or anything else ends the word.
     */
    private static boolean inHexString(CharSequence text, int start, int end) {
        boolean hexLetter = false;
        for (int k = start - 1; k >= 0 && start - k <= HEX_LOOK && Chars.isAsciiAlnum(text.charAt(k)); k--) {
            if (Character.digit(text.charAt(k), 16) < 0) {
                return false;
            }
            hexLetter |= !Chars.isDigit(text.charAt(k));
        }
        for (int k = end; k < text.length() && k - end < HEX_LOOK && Chars.isAsciiAlnum(text.charAt(k)); k++) {
            if (Character.digit(text.charAt(k), 16) < 0) {
                return false;
            }
            hexLetter |= !Chars.isDigit(text.charAt(k));
        }
        return hexLetter;
    }

    private static boolean isGlue(char c) {
        return Chars.isAsciiLetter(c) || c == '_';
    }

    /** Whether the digits at {@code start} follow {@code 0x} or {@literal \}x: a hex number's digits. */
    private static boolean afterHexPrefix(CharSequence text, int start) {
        char x = text.charAt(start - 1);
        return (x == 'x' || x == 'X') && start > 1 && (text.charAt(start - 2) == '0' || text.charAt(start - 2) == '\\');
    }

    /**
     * Whether the number at {@code start} follows a {@code +} and has more digits than any telephone
     * number (E.164 allows fifteen), spaces and hyphens between them aside: {@code +4111111111111111}
     * is no phone number, so the {@code +} that keeps a number from starting a card elsewhere must
     * not hide this one.
     */
    private static boolean afterPlusTooLongForAPhone(CharSequence text, int start) {
        if (text.charAt(start - 1) != '+') {
            return false;
        }
        int digits = 0;
        for (int i = start; i < text.length() && digits <= MAX_PHONE_DIGITS; i++) {
            char c = text.charAt(i);
            if (Chars.isDigit(c)) {
                digits++;
            } else if ((c != ' ' && c != '-') || !Chars.isDigitAt(text, i + 1)) {
                break;
            }
        }
        return digits > MAX_PHONE_DIGITS;
    }

    /** Examines the candidate starting at {@code start}; returns where scanning resumes. */
    private int scan(CharSequence text, int start, List<Match> out) {
        int n = text.length();
        int firstRunEnd = Chars.digitRunEnd(text, start);
        int firstLength = firstRunEnd - start;
        if (firstLength > MAX_DIGITS) {
            return firstRunEnd;
        }
        // Neither a whole card nor the first group of four of a grouped one: a card grouped oddly
        // (41 11 11 ..., 411 111 111 111 1111, 4111111 111111111), as people retype one, is a card
        // only after a word that says so, and its groups only apart by spaces, tabs and hyphens.
        boolean oddlyGrouped = firstLength != 4 && firstLength < MIN_DIGITS;
        if (firstLength < MIN_DIGITS && !groupFollows(text, firstRunEnd)) {
            return firstRunEnd; // too short a number, and no group after it: the common id, amount or year, told without arrays
        }
        int[] groupStarts = new int[MAX_GROUPS];
        int[] groupEnds = new int[MAX_GROUPS];
        int[] digitsAt = new int[MAX_GROUPS];
        int groups = 0;
        int digits = 0;
        char separator = 0;
        int position = start;
        while (groups < MAX_GROUPS) {
            int runEnd = Chars.digitRunEnd(text, position);
            digits += runEnd - position;
            if (digits > MAX_DIGITS) {
                break;
            }
            groupStarts[groups] = position;
            groupEnds[groups] = runEnd;
            digitsAt[groups] = digits;
            groups++;
            int next = separatorEnd(text, runEnd);
            if (next < 0 || next >= n || !Chars.isDigit(text.charAt(next))) {
                break;
            }
            char kind = kindOf(text.charAt(runEnd));
            if ((separator != 0 && kind != separator) || (WORD_GATED_SEPARATORS.indexOf(kind) >= 0 && runEnd - position != 4)) {
                break; // such a mark separates groups of four only: 347403459011431=030 is a card and a number
            }
            separator = kind;
            position = next;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int end = groupEnds[g];
            if (digitsAt[g] < MIN_DIGITS) {
                break;
            }
            if (g > 0 && firstLength != 4 && (!oddlyGrouped || separator != ' ' || !cardWordBefore(text, start))) {
                break; // grouped card numbers start with a group of four, unless a card word says so
            }
            if (g > 0 && STRICT_SEPARATORS.indexOf(separator) >= 0 && !inFours(groupStarts, groupEnds, g)) {
                continue; // dots, underscores and slashes separate a card's digits only in fours
            }
            if (g > 0 && WORD_GATED_SEPARATORS.indexOf(separator) >= 0
                    && (!inFours(groupStarts, groupEnds, g) || !cardWordBefore(text, start))) {
                continue;
            }
            if (!Chars.numberMayEndAt(text, end)) {
                continue; // a shorter prefix may still end at a space between groups
            }
            if (isCard(text, start, end)) {
                out.add(new Match(start, end, EntityType.CARD));
                return end;
            }
        }
        return firstRunEnd;
    }

    /** Whether a separator and a digit follow the run of digits that ends at {@code runEnd}: another group may. */
    private static boolean groupFollows(CharSequence text, int runEnd) {
        int next = separatorEnd(text, runEnd);
        return next >= 0 && next < text.length() && Chars.isDigit(text.charAt(next));
    }

    private static boolean cardWordBefore(CharSequence text, int start) {
        return PrecedingWords.verdict(PrecedingWords.before(text, start, 5, 48), CARD_WORDS, OTHER_NUMBER_WORDS) > 0;
    }

    /** Whether groups {@code 0..last} are fours, the last one of one to four digits. */
    private static boolean inFours(int[] groupStarts, int[] groupEnds, int last) {
        for (int g = 0; g <= last; g++) {
            int length = groupEnds[g] - groupStarts[g];
            if (length > 4 || (g < last && length != 4)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The end of the separator between two groups at {@code i}, or -1: one dot, underscore or
     * slash; or up to three spaces, tabs and hyphens with at most one hyphen ({@code 4111 - 1111},
     * two spaces, a tab: how columns and forms space a number).
     */
    private static int separatorEnd(CharSequence text, int i) {
        if (i >= text.length()) {
            return -1;
        }
        char c = text.charAt(i);
        if (STRICT_SEPARATORS.indexOf(c) >= 0 || WORD_GATED_SEPARATORS.indexOf(c) >= 0) {
            return i + 1;
        }
        int end = i;
        int hyphens = 0;
        while (end < text.length() && end - i < 3 && LOOSE_SEPARATORS.indexOf(text.charAt(end)) >= 0) {
            hyphens += text.charAt(end) == '-' ? 1 : 0;
            end++;
        }
        return end > i && hyphens <= 1 ? end : -1;
    }

    /** Spaces, tabs and hyphens are one kind: a number typed in groups mixes them ({@code 4111 1111-1111 1111}). */
    private static char kindOf(char separator) {
        return LOOSE_SEPARATORS.indexOf(separator) >= 0 ? ' ' : separator;
    }

    private static boolean isCard(CharSequence text, int start, int end) {
        StringBuilder digits = new StringBuilder(MAX_DIGITS);
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (Chars.isDigit(c)) {
                digits.append(c);
            }
        }
        if (!CardIssuers.accepts(digits) || !Luhn.isValid(digits, 0, digits.length())) {
            return false;
        }
        List<String> words = PrecedingWords.before(text, start, 5, 48);
        return PrecedingWords.verdict(words, CARD_WORDS, OTHER_NUMBER_WORDS) >= 0
                || !namedAsAnotherNumber(text, start, end, words);
    }

    /**
     * Whether the word for another kind of number before the digits {@code text[start, end)} names
     * these digits: they are one run, as an order or a reference number is written ({@code order
     * 4111111111111111}, {@code ref4111...}), and the word is the nearest one ({@code order no.
     * 4111...}, {@code invoice #4111...}) with no other number between. A number grouped as a card is
     * printed ({@code order 4111 1111 1111 1111}), or one after a sentence that merely speaks of an
     * order ({@code invoice for Ada, paid with 4111...}, {@code customer 42: 4111...}), is a card:
     * before 2026-12-06 either reached masked callers in clear.
     */
    private static boolean namedAsAnotherNumber(CharSequence text, int start, int end, List<String> words) {
        for (int k = start; k < end; k++) {
            if (!Chars.isDigit(text.charAt(k))) {
                return false;
            }
        }
        for (int k = start - 1; k >= 0 && !Character.isLetter(text.charAt(k)); k--) {
            if (Chars.isDigit(text.charAt(k))) {
                return false;
            }
        }
        if (words.isEmpty()) {
            return false;
        }
        String nearest = words.getFirst();
        return OTHER_NUMBER_WORDS.contains(nearest)
                || (NUMBER_CONNECTORS.contains(nearest) && words.size() > 1 && OTHER_NUMBER_WORDS.contains(words.get(1)));
    }
}
