package dev.tracegate.ledger.note;

/** The signed-note rule for key names: non-empty, no Unicode space, no plus, no control character. */
final class KeyNames {
    private KeyNames() {}

    static boolean isValid(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        return name.codePoints().noneMatch(c -> c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.isISOControl(c));
    }

    static String require(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("key name must be non-empty without spaces, '+' or control characters: \""
                    + name + "\"");
        }
        return name;
    }
}
