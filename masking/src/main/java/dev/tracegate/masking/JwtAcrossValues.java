package dev.tracegate.masking;

/**
 * A JWT that a result splits across its values, one part a value: a token column read with {@code
 * string_to_array(token, '.')} one part a row, a JSON array of its parts. Each value is scanned alone,
 * and no part is a token on its own. One of these follows the values of one column (or one array), in
 * order: after a part that is JSON ({@code eyJ...}, a header or a payload), the next values that are
 * parts (JSON, or a signature's base64url) are masked whole, so the signature never leaves with the
 * parts a reader could put it together with; a value of another shape closes it. The parts' shapes
 * are also what {@link SplitAcrossCells} reads across a row's cells. Not thread-safe: one per result
 * column.
 */
public final class JwtAcrossValues {

    /** The shortest part read: a header of one claim is longer. */
    private static final int MIN_PART = 16;
    /** The shortest JWT signature in base64url (HS256's 32 bytes). */
    private static final int MIN_SIGNATURE = 43;

    enum Part { NONE, JSON, SIGNATURE }

    private boolean open;

    /**
     * Whether {@code value} is a part of the token an earlier value started, to be masked whole; notes
     * a JSON part that starts one.
     */
    public boolean continues(CharSequence value) {
        Part part = partOf(value);
        boolean continued = open && part != Part.NONE;
        open = part == Part.JSON || (continued && part != Part.SIGNATURE);
        return continued;
    }

    /** Whether a value may be a JWT's part, read without decoding it: it starts {@code eyJ} after any space. */
    public static boolean mayStart(byte[] utf8) {
        int k = 0;
        while (k < utf8.length && (utf8[k] == ' ' || utf8[k] == '\t')) {
            k++;
        }
        return k + 3 <= utf8.length && utf8[k] == 'e' && utf8[k + 1] == 'y' && utf8[k + 2] == 'J';
    }

    /** Whether this column is following a token: only then must a value that starts no part be read. */
    public boolean isOpen() {
        return open;
    }

    /**
     * What part of a JWT {@code value} may be: JSON (base64url starting {@code eyJ}, as <code>{"</code>
     * encodes; also parts joined by dots), a signature (43 base64url characters or more with upper
     * case, lower case and digits), or none.
     */
    static Part partOf(CharSequence value) {
        if (value.length() < MIN_PART) {
            return Part.NONE; // most values, told before a copy: stripped, they are no longer
        }
        String part = value.toString().strip();
        if (part.length() < MIN_PART) {
            return Part.NONE;
        }
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (int k = 0; k < part.length(); k++) {
            char c = part.charAt(k);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
            if (!(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.')) {
                return Part.NONE;
            }
        }
        if (part.startsWith("eyJ") || part.contains(".eyJ")) {
            return Part.JSON;
        }
        return part.length() >= MIN_SIGNATURE && upper && lower && digit ? Part.SIGNATURE : Part.NONE;
    }
}
