package dev.tracegate.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A secret as a target may echo it with any of its characters escaped, each on its own: JSON's
 * {@code \\u0061} (an encoder told to escape all but letters, or everything), JavaScript's and
 * Python's {@code \x61}, {@code \\u{61}}, {@code \\U00000061}, octal {@code \141} and {@code \+}, HTML's {@code &#x61;},
 * {@code &#97;} and the named {@code &plus;}, {@code &sol;}, {@code &equals;} (with or without the
 * closing semicolon, as browsers read them), percent-encoding of any character ({@code %61},
 * {@code %u0061}), quoted-printable's {@code =61} and its soft line breaks between any two
 * characters. A reader of the answer (a JSON parser, a browser, a URL or mail decoder) undoes each
 * of them, so a fixed list of spellings cannot cover them: every mixture is one. The secret is
 * read byte by byte of its UTF-8 form; an escape stands for one ASCII byte (a secret's characters
 * outside ASCII are matched as written or percent- and quoted-printable-encoded byte by byte).
 * Letters match in either case, as the other spellings do.
 */
final class EscapedSecret {

    /** The most bytes one byte of the secret takes when escaped: a soft line break, then {@code &#x000061;}. */
    static final int MAX_BYTES_PER_BYTE = 3 + 10;

    /** A named character reference of a character a credential may hold. */
    private record Named(String name, int value) { }

    private static final Named[] NAMED = {
        new Named("plus", '+'), new Named("sol", '/'), new Named("equals", '='), new Named("colon", ':'),
        new Named("lowbar", '_'), new Named("period", '.'), new Named("amp", '&'), new Named("num", '#'),
        new Named("excl", '!'), new Named("quest", '?'), new Named("commat", '@'), new Named("dollar", '$'),
        new Named("percnt", '%'), new Named("ast", '*'), new Named("tilde", '~'), new Named("comma", ','),
        new Named("semi", ';'), new Named("bsol", '\\'),
    };

    private static final int STILL_OPEN = -2;

    private final byte[] secret;
    private final boolean secretHoldsLineFeed;

    EscapedSecret(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.secretHoldsLineFeed = secret.indexOf('\n') >= 0;
    }

    int length() {
        return secret.length;
    }

    /**
     * Whether a reading of the secret may start with these two bytes: an escape or a soft line break
     * first, or the secret's first byte as written followed by its second, an escape or a soft line
     * break (as {@link #endAt} reads them, exactly: a {@code false} here is never a reading missed).
     */
    boolean mayStartWith(int first, int second) {
        if (startsEscape(first)) {
            return true;
        }
        return same(first, secret[0] & 0xff) && (secret.length < 2 || same(second, secret[1] & 0xff) || startsEscape(second));
    }

    /** Whether {@code b} may start an escaped spelling (the secret's first byte as written is found as such). */
    static boolean startsEscape(int b) {
        return b == '\\' || b == '&' || b == '%' || b == '=';
    }

    /**
     * The end of the longest spelling of the secret that starts at {@code at} with at least one
     * escape or none, or -1 when none does. Every reading is followed at once (a {@code =} may be
     * the secret's own or start an escape), so no body makes the search backtrack.
     */
    int endAt(byte[] bytes, int length, int at) {
        if (!firstMatches(bytes, length, at) || !secondMayFollow(bytes, length, at)) {
            return -1; // the common cases, without allocating
        }
        return walk(bytes, length, at, Math.min(length - at, secret.length * MAX_BYTES_PER_BYTE) + 1, false);
    }

    /**
     * Whether a spelling may start at {@code at} and go on past {@code length}: a reading still under
     * way within an escape's length of the end (an escape there may be cut short). Such a tail is
     * held back until more bytes come.
     */
    boolean mayBeginAt(byte[] bytes, int length, int at) {
        if (at + MAX_BYTES_PER_BYTE >= length) {
            return (startsEscape(bytes[at] & 0xff) || firstMatches(bytes, length, at)) && !lineEndsBefore(bytes, at, length);
        }
        return firstMatches(bytes, length, at) && walk(bytes, length, at, length - at + 1, true) == STILL_OPEN;
    }

    /**
     * Follows every reading of the secret from {@code at} at once, byte by byte of it: where the
     * longest ends (-1 when none does), or, when {@code open}, {@link #STILL_OPEN} as soon as one
     * comes within an escape's length of {@code length}.
     */
    private int walk(byte[] bytes, int length, int at, int window, boolean open) {
        boolean[] reached = new boolean[window];
        boolean[] next = new boolean[window];
        reached[0] = true;
        for (int i = 0; i < secret.length; i++) {
            Arrays.fill(next, false);
            boolean any = false;
            for (int offset = 0; offset < window; offset++) {
                if (reached[offset]) {
                    if (open && at + offset + MAX_BYTES_PER_BYTE >= length && !lineEndsBefore(bytes, at + offset, length)) {
                        return STILL_OPEN;
                    }
                    any |= step(bytes, length, at, at + offset, i, next);
                }
            }
            if (!any) {
                return -1;
            }
            boolean[] swap = reached;
            reached = next;
            next = swap;
        }
        for (int offset = window - 1; offset >= 0 && !open; offset--) {
            if (reached[offset]) {
                return at + offset;
            }
        }
        return -1; // when open: whole, and so replaced already
    }

    /**
     * Whether a line feed that is no quoted-printable soft line break lies between {@code from} and
     * {@code length}: no spelling goes on past one (a secret with a line feed of its own aside), so
     * a reading cut there is no spelling's start and what it holds can go. An event stream's events
     * and NDJSON's lines end so: without this, an event's last bytes that might begin an escape
     * ({@code =}, {@code %}, the secret's first letter) waited for the target's next write, for ever
     * when the target stalled there.
     */
    private boolean lineEndsBefore(byte[] bytes, int from, int length) {
        if (secretHoldsLineFeed) {
            return false;
        }
        for (int k = from; k < length; k++) {
            if (bytes[k] == '\n' && !(k > from && bytes[k - 1] == '=')
                    && !(k > from + 1 && bytes[k - 1] == '\r' && bytes[k - 2] == '=')) {
                return true;
            }
        }
        return false;
    }

    /**
     * False only when no reading of the secret's second byte can follow its first at {@code at}: the
     * first written as itself (no escape starts there) ends at the next byte, and that byte neither is
     * the second nor starts an escape or a soft line break. A letter of the secret's first in the
     * body (the frequent case in text) is passed over so, without following every reading.
     */
    private boolean secondMayFollow(byte[] bytes, int length, int at) {
        if (secret.length < 2 || startsEscape(bytes[at] & 0xff) || at + 1 >= length) {
            return true;
        }
        int next = bytes[at + 1] & 0xff;
        return same(next, secret[1] & 0xff) || startsEscape(next);
    }

    /** Whether the bytes at {@code at} read as the secret's first byte, told without allocating. */
    private boolean firstMatches(byte[] bytes, int length, int at) {
        return readOne(bytes, length, at, at, secret[0] & 0xff, null);
    }

    /** Marks in {@code next} where the secret's byte {@code i} ends when it starts at {@code from}; whether any does. */
    private boolean step(byte[] bytes, int length, int at, int from, int i, boolean[] next) {
        boolean any = readOne(bytes, length, at, from, secret[i] & 0xff, next);
        if (i > 0) { // a quoted-printable soft line break goes between any two characters
            int broken = softBreakEnd(bytes, length, from);
            if (broken > 0) {
                any |= readOne(bytes, length, at, broken, secret[i] & 0xff, next);
            }
        }
        return any;
    }

    private static int softBreakEnd(byte[] bytes, int length, int from) {
        if (from + 1 < length && bytes[from] == '=' && bytes[from + 1] == '\n') {
            return from + 2;
        }
        if (from + 2 < length && bytes[from] == '=' && bytes[from + 1] == '\r' && bytes[from + 2] == '\n') {
            return from + 3;
        }
        return -1;
    }

    /** Marks the ends of each reading of the bytes at {@code from} that stands for {@code wanted}. */
    private static boolean readOne(byte[] bytes, int length, int at, int from, int wanted, boolean[] next) {
        if (from >= length) {
            return false;
        }
        boolean any = false;
        int b = bytes[from] & 0xff;
        if (same(b, wanted)) {
            any |= mark(next, at, from + 1);
        }
        switch (b) {
            case '%' -> {
                any |= hexEnd(bytes, length, from + 1, 2, 2, wanted, at, next);
                if (from + 2 < length && (bytes[from + 1] == 'u' || bytes[from + 1] == 'U')) {
                    any |= hexEnd(bytes, length, from + 2, 4, 4, wanted, at, next);
                }
            }
            case '=' -> any |= hexEnd(bytes, length, from + 1, 2, 2, wanted, at, next);
            case '\\' -> any |= backslashEscape(bytes, length, from, wanted, at, next);
            case '&' -> any |= characterReference(bytes, length, from, wanted, at, next);
            default -> { }
        }
        return any;
    }

    private static boolean backslashEscape(byte[] bytes, int length, int from, int wanted, int at, boolean[] next) {
        if (from + 1 >= length) {
            return false;
        }
        int c = bytes[from + 1] & 0xff;
        return switch (c) {
            case 'u' -> from + 2 < length && bytes[from + 2] == '{'
                    ? braced(bytes, length, from + 3, wanted, at, next)
                    : hexEnd(bytes, length, from + 2, 4, 4, wanted, at, next);
            case 'U' -> hexEnd(bytes, length, from + 2, 4, 4, wanted, at, next) // Python's and C#'s \U00000061 too
                    | hexEnd(bytes, length, from + 2, 8, 8, wanted, at, next);
            case 'x', 'X' -> hexEnd(bytes, length, from + 2, 2, 2, wanted, at, next);
            default -> {
                if (c >= '0' && c <= '7') {
                    yield octalEnd(bytes, length, from + 1, wanted, at, next);
                }
                // \/ in JSON; \+ and the like in JavaScript and C strings, where an unknown escape is the character
                yield c < 0x80 && !Character.isLetterOrDigit(c) && c == wanted && mark(next, at, from + 2);
            }
        };
    }

    private static boolean braced(byte[] bytes, int length, int from, int wanted, int at, boolean[] next) {
        int value = 0;
        for (int p = from; p < length && p < from + 6; p++) {
            int digit = Character.digit(bytes[p], 16);
            if (digit < 0) {
                return p > from && bytes[p] == '}' && same(value, wanted) && mark(next, at, p + 1);
            }
            value = value * 16 + digit;
        }
        return false;
    }

    private static boolean octalEnd(byte[] bytes, int length, int from, int wanted, int at, boolean[] next) {
        if (from + 3 > length) {
            return false;
        }
        int value = 0;
        for (int p = from; p < from + 3; p++) {
            int digit = bytes[p] - '0';
            if (digit < 0 || digit > 7) {
                return false;
            }
            value = value * 8 + digit;
        }
        return same(value, wanted) && mark(next, at, from + 3);
    }

    /** {@code &#x61;}, {@code &#97;}, {@code &plus;}, each also without its semicolon. */
    private static boolean characterReference(byte[] bytes, int length, int from, int wanted, int at, boolean[] next) {
        if (from + 1 >= length) {
            return false;
        }
        if (bytes[from + 1] != '#') {
            return named(bytes, length, from + 1, wanted, at, next);
        }
        boolean hex = from + 2 < length && (bytes[from + 2] == 'x' || bytes[from + 2] == 'X');
        int digits = hex ? from + 3 : from + 2;
        int value = 0;
        boolean any = false;
        for (int p = digits; p < length && p < digits + (hex ? 6 : 7); p++) {
            int digit = Character.digit(bytes[p], hex ? 16 : 10);
            if (digit < 0) {
                break;
            }
            value = value * (hex ? 16 : 10) + digit;
            if (same(value, wanted)) {
                // without its semicolon only where no further digit follows, as a browser reads it
                boolean more = p + 1 < length && Character.digit(bytes[p + 1], hex ? 16 : 10) >= 0;
                if (!more) {
                    any |= mark(next, at, p + 1);
                    if (p + 1 < length && bytes[p + 1] == ';') {
                        any |= mark(next, at, p + 2);
                    }
                }
            }
        }
        return any;
    }

    /** A named reference ({@code plus} for {@code +}): only the names of the character wanted are compared. */
    private static boolean named(byte[] bytes, int length, int from, int wanted, int at, boolean[] next) {
        boolean any = false;
        for (Named named : NAMED) {
            String name = named.name();
            if (named.value() != wanted || from + name.length() > length) {
                continue;
            }
            if (namedAt(bytes, from, name)) {
                int end = from + name.length();
                any |= mark(next, at, end);
                if (end < length && bytes[end] == ';') {
                    any |= mark(next, at, end + 1);
                }
            }
        }
        return any;
    }

    private static boolean namedAt(byte[] bytes, int from, String name) {
        for (int i = 0; i < name.length(); i++) {
            if ((bytes[from + i] | 0x20) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Marks the end of {@code min} to {@code max} hex digits at {@code from} whose value is {@code wanted}. */
    private static boolean hexEnd(byte[] bytes, int length, int from, int min, int max, int wanted, int at, boolean[] next) {
        int value = 0;
        boolean any = false;
        for (int p = from; p < length && p < from + max; p++) {
            int digit = Character.digit(bytes[p], 16);
            if (digit < 0) {
                return any;
            }
            value = value * 16 + digit;
            if (p + 1 - from >= min && same(value, wanted)) {
                any |= mark(next, at, p + 1);
            }
        }
        return any;
    }

    /** Marks where a reading ends; with no {@code next}, only tells that there is one. */
    private static boolean mark(boolean[] next, int at, int end) {
        if (next == null) {
            return true;
        }
        int offset = end - at;
        if (offset >= next.length) {
            return false;
        }
        next[offset] = true;
        return true;
    }

    /** The same byte, letters in either case; an escape's value above a byte matches nothing. */
    private static boolean same(int value, int wanted) {
        if (value == wanted) {
            return true;
        }
        return value < 0x80 && wanted < 0x80 && Character.isLetter(value) && Character.isLetter(wanted)
                && (value | 0x20) == (wanted | 0x20);
    }
}
