package dev.tracegate.masking.detect;

/**
 * Issuer identification ranges of the major card networks and the lengths each issues. A number
 * outside every range is not a card, however well it passes the Luhn check.
 */
final class CardIssuers {

    private static final int[] MAESTRO_PREFIXES = {5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763};

    private CardIssuers() {
    }

    /** {@code digits} holds the card's digits only. */
    static boolean accepts(CharSequence digits) {
        int length = digits.length();
        int p2 = prefix(digits, 2);
        int p3 = prefix(digits, 3);
        int p4 = prefix(digits, 4);
        int p6 = prefix(digits, 6);
        boolean upTo19 = length >= 16 && length <= 19;
        if (digits.charAt(0) == '4') {
            return length == 13 || length == 16 || length == 19; // Visa
        }
        if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
            return length == 16; // Mastercard
        }
        if (p2 == 34 || p2 == 37) {
            return length == 15; // American Express
        }
        if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925)) {
            return upTo19; // Discover
        }
        if (p2 == 62) {
            return upTo19; // UnionPay
        }
        if (p4 >= 3528 && p4 <= 3589) {
            return upTo19; // JCB
        }
        if ((p3 >= 300 && p3 <= 305) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39) {
            return length >= 14 && length <= 19; // Diners Club
        }
        if (p4 >= 2200 && p4 <= 2204) {
            return upTo19; // Mir
        }
        for (int maestro : MAESTRO_PREFIXES) {
            if (p4 == maestro) {
                return length >= 12 && length <= 19;
            }
        }
        return false;
    }

    private static int prefix(CharSequence digits, int count) {
        int value = 0;
        for (int i = 0; i < count && i < digits.length(); i++) {
            value = value * 10 + (digits.charAt(i) - '0');
        }
        return value;
    }
}
