package dev.tracegate.masking;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.List;

/**
 * Valid personal values built from the fuzzer's choices, each with the words a person would write
 * before it ({@code card 4111 ...}, {@code ssn 123-45-6789}): Luhn-valid cards in issuer ranges,
 * e-mail addresses, issuable SSNs, IPv4 and IPv6 addresses, mod-97-valid IBANs, NANP phone numbers
 * and cloud keys of a fixed shape.
 */
final class PersonalValues {

    /** One value and the text that introduces it. */
    record Positive(String context, String value) {
        String text() {
            return context.isEmpty() ? value : context + " " + value;
        }
    }

    private static final List<String> CARD_PREFIXES = List.of("4", "51", "55", "2221", "2720", "34", "37", "6011", "65",
            "3528", "36", "62", "2200", "5018");
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private PersonalValues() {
    }

    static Positive any(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> card(data);
            case 1 -> new Positive("", email(data));
            case 2 -> new Positive("ssn", ssn(data));
            case 3 -> new Positive("host addr", ipv4(data));
            case 4 -> new Positive("host addr", ipv6(data));
            case 5 -> new Positive("iban", iban(data));
            case 6 -> new Positive("phone", phone(data));
            default -> new Positive("", data.consumeBoolean() ? "AKIA" + chars(data, UPPER_ALNUM, 16, 16)
                    : "ghp_" + chars(data, ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 36, 36));
        };
    }

    static Positive card(FuzzedDataProvider data) {
        String prefix = data.pickValue(CARD_PREFIXES);
        int length = switch (prefix) {
            case "34", "37" -> 15;
            case "36" -> 14;
            case "4" -> data.pickValue(List.of(13, 16, 19));
            default -> 16;
        };
        StringBuilder digits = new StringBuilder(prefix);
        while (digits.length() < length - 1) {
            digits.append((char) ('0' + data.consumeInt(0, 9)));
        }
        digits.append(luhnCheckDigit(digits));
        String number = digits.toString();
        if (length == 16 && data.consumeBoolean()) {
            String separator = data.consumeBoolean() ? " " : "-";
            number = String.join(separator, number.substring(0, 4), number.substring(4, 8), number.substring(8, 12),
                    number.substring(12));
        }
        return new Positive("card", number);
    }

    private static char luhnCheckDigit(CharSequence payload) {
        int sum = 0;
        for (int i = payload.length() - 1, position = 0; i >= 0; i--, position++) {
            int digit = payload.charAt(i) - '0';
            if (position % 2 == 0) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }

    private static String email(FuzzedDataProvider data) {
        String local = chars(data, ALNUM, 1, 12) + (data.consumeBoolean() ? "." + chars(data, ALNUM, 1, 8) : "");
        return local + "@" + chars(data, ALNUM, 1, 10) + "." + chars(data, "abcdefghijklmnopqrstuvwxyz", 2, 6);
    }

    private static String ssn(FuzzedDataProvider data) {
        int area = data.consumeInt(1, 899);
        if (area == 666) {
            area = 667;
        }
        String separator = data.consumeBoolean() ? "-" : " ";
        return String.format("%03d%s%02d%s%04d", area, separator, data.consumeInt(1, 99), separator,
                data.consumeInt(1, 9999));
    }

    private static String ipv4(FuzzedDataProvider data) {
        return data.consumeInt(1, 255) + "." + data.consumeInt(0, 255) + "." + data.consumeInt(0, 255) + "."
                + data.consumeInt(0, 255);
    }

    private static String ipv6(FuzzedDataProvider data) {
        return "2001:db8:" + Integer.toHexString(data.consumeInt(0, 0xffff)) + ":" + data.consumeInt(1, 9999) + "::"
                + Integer.toHexString(data.consumeInt(1, 0xffff));
    }

    /** A German IBAN (22 characters) with its ISO 13616 check digits. */
    private static String iban(FuzzedDataProvider data) {
        StringBuilder bban = new StringBuilder();
        for (int i = 0; i < 18; i++) {
            bban.append((char) ('0' + data.consumeInt(0, 9)));
        }
        // DE = 13 14; the check digits make (bban + "131400") mod 97 equal 98 - check.
        int remainder = new java.math.BigInteger(bban + "131400").mod(java.math.BigInteger.valueOf(97)).intValue();
        return String.format("DE%02d%s", 98 - remainder, bban);
    }

    /**
     * A number valid in the US plan. Only validity makes a number a phone number whatever words
     * surround it: an invalid one passes only right after "phone" with no word for another kind of
     * number nearby (by design, docs/masking.md).
     */
    private static String phone(FuzzedDataProvider data) {
        String number = String.format("+1 %d%02d %d%02d %04d", data.consumeInt(2, 9), data.consumeInt(0, 99),
                data.consumeInt(2, 9), data.consumeInt(0, 99), data.consumeInt(0, 9999));
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        try {
            if (phones.isValidNumber(phones.parse(number, "US"))) {
                return number;
            }
        } catch (NumberParseException e) {
            // Falls back to the plan's example below.
        }
        return phones.format(phones.getExampleNumber("US"), PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL);
    }

    private static String chars(FuzzedDataProvider data, String alphabet, int min, int max) {
        int length = data.consumeInt(min, max);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(data.consumeInt(0, alphabet.length() - 1)));
        }
        return text.toString();
    }
}
