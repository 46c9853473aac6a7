package dev.tracegate.masking;

import java.util.Arrays;
import java.util.Objects;

/**
 * What replaces a value that must not leave in clear. {@link #apply} returns the replacement, or
 * {@code null} for SQL NULL / JSON null.
 */
public sealed interface MaskStrategy {

    String apply(String value, EntityType type);

    /** A fixed placeholder such as {@code [EMAIL]}. */
    record Redact(String placeholder) implements MaskStrategy {

        /** {@code [<ENTITY TYPE>]} of each type, made once rather than for each of a body's thousands of values. */
        private static final String[] TYPE_PLACEHOLDERS = Arrays.stream(EntityType.values())
                .map(type -> "[" + type.name() + "]").toArray(String[]::new);

        /** @param placeholder the text to show, or {@code null} for {@code [<ENTITY TYPE>]} */
        public Redact {
        }

        @Override
        public String apply(String value, EntityType type) {
            return placeholder != null ? placeholder : TYPE_PLACEHOLDERS[type.ordinal()];
        }
    }

    /**
     * Letters and digits become {@code *} except the last {@code keepLast}; separators stay, so
     * {@code 4111 1111 1111 1111} reads {@code **** **** **** 1111}. Never reveals more than half of
     * a value's letters and digits: a short value is masked entirely.
     */
    record Partial(int keepLast) implements MaskStrategy {

        public Partial {
            if (keepLast < 0 || keepLast > 64) {
                throw new IllegalArgumentException("partial: keepLast must be between 0 and 64, got " + keepLast);
            }
        }

        @Override
        public String apply(String value, EntityType type) {
            int alnum = 0;
            for (int i = 0; i < value.length(); ) {
                int cp = value.codePointAt(i);
                alnum += Character.isLetterOrDigit(cp) ? 1 : 0;
                i += Character.charCount(cp);
            }
            int keep = Math.min(keepLast, alnum / 2);
            StringBuilder out = new StringBuilder(value.length());
            int seen = 0;
            for (int i = 0; i < value.length(); i += Character.charCount(value.codePointAt(i))) {
                int cp = value.codePointAt(i);
                if (Character.isLetterOrDigit(cp) && ++seen <= alnum - keep) {
                    out.append('*');
                } else {
                    out.appendCodePoint(cp);
                }
            }
            return out.toString();
        }
    }

    /**
     * A keyed, deterministic pseudonym (HMAC-SHA256): equal values give equal pseudonyms, so masked
     * data can still be joined, grouped and counted, while nobody without the key can recover or
     * confirm a value. Plain form: {@code email_3f2a9c1b0d4e5f60}. Format-preserving form keeps the
     * shape: an e-mail becomes {@code <hash>@<hash>.example}, a card number the same number of digits
     * with a valid Luhn check, an IBAN a valid IBAN of the same country, other values the same
     * pattern of letters, digits and separators.
     */
    record Hash(HashKey key, boolean formatPreserving) implements MaskStrategy {

        public Hash {
            Objects.requireNonNull(key, "the hash strategy needs a hash key");
        }

        @Override
        public String apply(String value, EntityType type) {
            return formatPreserving ? Pseudonyms.formatPreserving(key, type, value) : Pseudonyms.token(key, type, value);
        }

        @Override
        public String toString() {
            return "Hash[formatPreserving=" + formatPreserving + "]";
        }
    }

    /** The value becomes NULL. Inside free text, one such match nullifies the whole value. */
    record Nullify() implements MaskStrategy {

        @Override
        public String apply(String value, EntityType type) {
            return null;
        }
    }

    static MaskStrategy redact() {
        return new Redact(null);
    }

    static MaskStrategy partial(int keepLast) {
        return new Partial(keepLast);
    }

    static MaskStrategy hash(HashKey key) {
        return new Hash(key, false);
    }

    static MaskStrategy formatPreservingHash(HashKey key) {
        return new Hash(key, true);
    }

    static MaskStrategy nullify() {
        return new Nullify();
    }
}
