package dev.tracegate.masking;

import dev.tracegate.masking.detect.Luhn;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The pseudonyms of the {@link MaskStrategy.Hash hash} strategy. A value is normalised first (an
 * e-mail lower-cased, a card, phone or SSN reduced to its digits, an IBAN to upper-case letters and
 * digits), so that the same datum written two ways still joins.
 */
final class Pseudonyms {

    private static final HexFormat HEX = HexFormat.of();

    private Pseudonyms() {
    }

    static String token(HashKey key, EntityType type, String value) {
        byte[] mac = mac(key, type, normalise(type, value));
        return type.name().toLowerCase(Locale.ROOT) + "_" + HEX.formatHex(mac, 0, 8);
    }

    static String formatPreserving(HashKey key, EntityType type, String value) {
        String normal = normalise(type, value);
        return switch (type) {
            case EMAIL -> email(key, normal);
            case CARD -> card(key, normal, value);
            case IBAN -> iban(key, normal, value);
            default -> sameShape(new Stream(key, mac(key, type, normal)), value);
        };
    }

    static String normalise(EntityType type, String value) {
        return switch (type) {
            case EMAIL, IP -> value.strip().toLowerCase(Locale.ROOT);
            case CARD, PHONE, SSN -> keep(value, false);
            case IBAN -> keep(value, true).toUpperCase(Locale.ROOT);
            default -> value;
        };
    }

    /** The digits of {@code value}, and its ASCII letters when {@code letters}. */
    private static String keep(String value, boolean letters) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c >= '0' && c <= '9') || (letters && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static byte[] mac(HashKey key, EntityType type, String normal) {
        return key.hmac(type.name().getBytes(StandardCharsets.UTF_8), normal.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code <12 hex>@<8 hex>.example}: the domain is hashed on its own, so addresses of one domain
     * share a pseudonymous domain and can be counted per domain. {@code .example} is reserved (RFC
     * 2606) and can never deliver mail.
     */
    private static String email(HashKey key, String normal) {
        int at = normal.lastIndexOf('@');
        String domain = at >= 0 ? normal.substring(at + 1) : "";
        byte[] whole = mac(key, EntityType.EMAIL, normal);
        byte[] domainMac = key.hmac("EMAIL-DOMAIN".getBytes(StandardCharsets.UTF_8), domain.getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(whole, 0, 6) + "@" + HEX.formatHex(domainMac, 0, 4) + ".example";
    }

    /** Same length, same separators, digits from the hash, last digit the Luhn check. */
    private static String card(HashKey key, String digits, String original) {
        if (digits.length() < 2) {
            return sameShape(new Stream(key, mac(key, EntityType.CARD, digits)), original);
        }
        Stream stream = new Stream(key, mac(key, EntityType.CARD, digits));
        StringBuilder payload = new StringBuilder(digits.length());
        for (int i = 0; i < digits.length() - 1; i++) {
            payload.append((char) ('0' + stream.next(10)));
        }
        payload.append((char) ('0' + Luhn.checkDigit(payload)));
        return reshape(payload, original);
    }

    /** Same country, account characters from the hash, check digits recomputed so it passes mod-97. */
    private static String iban(HashKey key, String compact, String original) {
        if (compact.length() < 5 || !Character.isLetter(compact.charAt(0)) || !Character.isLetter(compact.charAt(1))) {
            return sameShape(new Stream(key, mac(key, EntityType.IBAN, compact)), original);
        }
        Stream stream = new Stream(key, mac(key, EntityType.IBAN, compact));
        StringBuilder account = new StringBuilder();
        for (int i = 4; i < compact.length(); i++) {
            char c = compact.charAt(i);
            account.append(Character.isDigit(c) ? (char) ('0' + stream.next(10)) : (char) ('A' + stream.next(26)));
        }
        String country = compact.substring(0, 2);
        int check = 98 - mod97(account + country + "00");
        String result = country + (check < 10 ? "0" : "") + check + account;
        return reshape(result, original);
    }

    private static int mod97(String s) {
        int remainder = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            remainder = Character.isDigit(c) ? (remainder * 10 + (c - '0')) % 97 : (remainder * 100 + (c - 'A' + 10)) % 97;
        }
        return remainder;
    }

    /** Puts the characters of {@code compact} into the letter and digit positions of {@code original}. */
    private static String reshape(CharSequence compact, String original) {
        StringBuilder out = new StringBuilder(original.length());
        int k = 0;
        for (int i = 0; i < original.length(); i++) {
            char c = original.charAt(i);
            boolean slot = Character.isLetterOrDigit(c) && k < compact.length();
            out.append(slot ? compact.charAt(k++) : c);
        }
        return out.toString();
    }

    /** Digits stay digits, letters stay letters of the same case, everything else stays as it is. */
    private static String sameShape(Stream stream, String original) {
        StringBuilder out = new StringBuilder(original.length());
        for (int i = 0; i < original.length(); i++) {
            char c = original.charAt(i);
            if (c >= '0' && c <= '9') {
                out.append((char) ('0' + stream.next(10)));
            } else if (c >= 'a' && c <= 'z') {
                out.append((char) ('a' + stream.next(26)));
            } else if (c >= 'A' && c <= 'Z') {
                out.append((char) ('A' + stream.next(26)));
            } else if (Character.isLetterOrDigit(c)) {
                out.append((char) ('a' + stream.next(26)));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Bytes of an HMAC, extended by hashing the previous block when a long value needs more. */
    private static final class Stream {
        private final HashKey key;
        private byte[] block;
        private int position;

        Stream(HashKey key, byte[] first) {
            this.key = key;
            this.block = first;
        }

        int next(int bound) {
            if (position == block.length) {
                block = key.hmac(block);
                position = 0;
            }
            return (block[position++] & 0xff) % bound;
        }
    }
}
