package dev.tracegate.policy.lineage;

import java.util.Locale;

/** PostgreSQL's reading of an identifier as JSqlParser hands it over: quoted ones exact, others folded. */
final class Identifiers {

    private Identifiers() {
    }

    /** {@code "Email"} is {@code Email}; {@code EMAIL} is {@code email}; {@code null} stays null. */
    static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
            return raw.substring(1, raw.length() - 1).replace("\"\"", "\"");
        }
        // PostgreSQL folds ASCII letters only.
        StringBuilder folded = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            folded.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return folded.toString();
    }

    static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }
}
