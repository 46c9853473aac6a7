package dev.tracegate.gateway.postgres;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks for clear personal values in what a masked caller received, also after undoing the
 * reversible encodings a statement could apply: reversal, base64, hex, digits spelled as letters
 * ({@code translate(x, '0123456789', 'abcdefghij')}), changed case and separators. A run of six or
 * more digits from a card, phone or national id counts, so half a card number is a leak too.
 */
final class LeakSearch {

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{8,}={0,2}");
    private static final Pattern HEX = Pattern.compile("(?:\\\\x)?((?:[0-9a-fA-F]{2}){6,})");
    private static final Pattern DIGIT_RUN = Pattern.compile("[0-9]{6,}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-().+/]");

    private final Set<String> texts;
    private final Set<String> digits;

    /**
     * @param texts  clear values searched as text, case-insensitively (e-mails, names, dates)
     * @param digits clear values whose digits are searched (cards, phones, national ids)
     */
    LeakSearch(Set<String> texts, Set<String> digits) {
        this.texts = texts.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        this.digits = digits.stream().map(d -> d.replaceAll("[^0-9]", "")).collect(java.util.stream.Collectors.toSet());
    }

    /** The clear values found in any of the received texts. */
    List<String> leaksIn(List<String> received) {
        List<String> found = new ArrayList<>();
        received.forEach(text -> found.addAll(leaksIn(text)));
        return found;
    }

    /** The clear values found in one received text (a cell, a message), with how they were found. */
    List<String> leaksIn(String received) {
        List<String> found = new ArrayList<>();
        if (received == null || received.isEmpty()) {
            return found;
        }
        for (String variant : variants(received)) {
            String lower = variant.toLowerCase(Locale.ROOT);
            for (String text : texts) {
                if (lower.contains(text)) {
                    found.add(text + " in " + abbreviate(received));
                }
            }
            Matcher run = DIGIT_RUN.matcher(SEPARATORS.matcher(variant).replaceAll(""));
            while (run.find()) {
                for (String clear : digits) {
                    if (sharesSixDigits(run.group(), clear)) {
                        found.add("digits of " + clear + " in " + abbreviate(received));
                    }
                }
            }
        }
        return found;
    }

    private static boolean sharesSixDigits(String run, String clear) {
        for (int i = 0; i + 6 <= run.length(); i++) {
            if (clear.contains(run.substring(i, i + 6))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> variants(String text) {
        List<String> variants = new ArrayList<>();
        variants.add(text);
        variants.add(new StringBuilder(text).reverse().toString());
        if (text.chars().noneMatch(Character::isDigit)) {
            // translate(x, '0123456789', 'abcdefghij') leaves no digit behind.
            variants.add(lettersAsDigits(text));
            variants.add(new StringBuilder(lettersAsDigits(text)).reverse().toString());
        }
        Matcher base64 = BASE64.matcher(text);
        while (base64.find()) {
            try {
                variants.add(new String(Base64.getDecoder().decode(base64.group()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notBase64) {
                // Not every such run is base64.
            }
        }
        Matcher hex = HEX.matcher(text);
        while (hex.find()) {
            variants.add(new String(HexFormat.of().parseHex(hex.group(1)), StandardCharsets.ISO_8859_1));
        }
        return variants;
    }

    private static String lettersAsDigits(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 'a' && c <= 'j' ? (char) ('0' + (c - 'a')) : c);
        }
        return out.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}
