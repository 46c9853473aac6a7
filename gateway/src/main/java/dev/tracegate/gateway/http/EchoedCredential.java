package dev.tracegate.gateway.http;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The held credential as a target may echo it back: a target that shows the request it got (an
 * echo or debug endpoint such as httpbin's {@code /anything}, an error page listing the headers,
 * {@code phpinfo()}) would hand the caller, and the evidence, the very credential the gateway holds
 * so that callers never have it. Each spelling (the header's value, its token, a basic credential's
 * password, each also with JSON's escaped slashes, with {@code +} as JSON's escape for U+002B and
 * percent-encoded; the token and the password also in hex, in UTF-16, UTF-32 and EBCDIC and in
 * Base64 at each of the three places a Base64 run can start them, as
 * dumps, debug cookies and encoders write a request) is replaced in the answer's headers and body
 * by as many {@code *}, in any case (a target that upper-cases what it shows): the same length, so
 * a body's framing and a JSON string stay as they were. Spellings shorter than {@link #MIN_LENGTH}
 * are not replaced (they would turn up in ordinary text).
 *
 * <p>The body is searched in one pass whatever the number of spellings: a byte that starts none
 * (in either case) is passed over after one table look-up.
 */
final class EchoedCredential {

    static final int MIN_LENGTH = 8;
    /**
     * Encodings in which ASCII is not its own bytes that a dump or a mainframe's page may use besides
     * UTF-16: UTF-32 and the common EBCDIC code pages (which agree on letters and digits and differ
     * in punctuation), each where this JDK has it.
     */
    private static final List<Charset> OTHER_ENCODINGS = Stream.of("UTF-32LE", "UTF-32BE", "IBM037", "IBM1047",
                    "IBM500", "IBM273", "IBM277", "IBM278", "IBM280", "IBM284", "IBM285", "IBM297", "IBM871")
            .filter(Charset::isSupported).map(Charset::forName).toList();
    static final EchoedCredential NONE = new EchoedCredential(List.of(), List.of());

    /** Each spelling in lower case, longest first, so that at one place the longest is replaced whole. */
    private final List<byte[]> spellings;
    /** The secrets as a reader reads them back with any of their characters escaped. */
    private final List<EscapedSecret> escaped;
    private final int longest;
    /** Whether a byte starts a spelling, escaped or not (a letter in either case). */
    private final boolean[] starts = new boolean[256];
    /**
     * The spellings by their first byte in lower case, longest first ({@code null} where none starts
     * so), and which pairs of first two bytes in lower case (bit {@code first << 8 | second}) may start
     * a spelling or an escaped secret's reading ({@link EscapedSecret#mayStartWith}). Most bytes
     * that start a spelling (a digit of its hex form, a letter of its Base64 runs) are followed by one
     * that does not go on with it, and are passed over after a second look-up instead of a
     * comparison with every spelling.
     */
    private final byte[][][] byFirst = new byte[256][][];
    private static final byte[][] NO_SPELLINGS = new byte[0][];
    private final long[] firstTwo = new long[256 * 256 / 64];

    private EchoedCredential(List<byte[]> spellings, List<EscapedSecret> escaped) {
        this.spellings = spellings.stream().sorted((a, b) -> b.length - a.length).toList();
        this.escaped = escaped;
        this.longest = Math.max(spellings.stream().mapToInt(s -> s.length).max().orElse(0),
                escaped.stream().mapToInt(s -> s.length() * EscapedSecret.MAX_BYTES_PER_BYTE).max().orElse(0));
        for (byte[] spelling : this.spellings) { // spellings are at least MIN_LENGTH long: two bytes at least
            for (int b : new int[] {spelling[0] & 0xff, upper(spelling[0]) & 0xff}) { // read in any case
                starts[b] = true;
            }
            int first = spelling[0] & 0xff;
            byte[][] known = byFirst[first] == null ? NO_SPELLINGS : byFirst[first];
            byte[][] more = Arrays.copyOf(known, known.length + 1);
            more[known.length] = spelling;
            byFirst[first] = more;
            int pair = pair(spelling, 0);
            firstTwo[pair >>> 6] |= 1L << pair;
        }
        if (!escaped.isEmpty()) {
            for (int b = 0; b < 256; b++) {
                starts[b] |= EscapedSecret.startsEscape(b);
            }
        }
        for (EscapedSecret secret : escaped) {
            for (int first = 0; first < 256; first++) {
                for (int second = 0; second < 256; second++) {
                    if (secret.mayStartWith(first, second)) {
                        int pair = (lower((byte) first) & 0xff) << 8 | lower((byte) second) & 0xff;
                        firstTwo[pair >>> 6] |= 1L << pair;
                    }
                }
            }
        }
    }

    /** The spellings of a credential sent as {@code value} ({@code Bearer TOKEN}, {@code Basic BASE64}, a key). */
    static EchoedCredential of(String value) {
        Set<String> secrets = new LinkedHashSet<>(); // what a spelling must not give away, value aside
        String token = value.substring(value.lastIndexOf(' ') + 1);
        secrets.add(token);
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
                secrets.add(pair.substring(pair.indexOf(':') + 1));
            } catch (IllegalArgumentException notBase64) {
                // the gateway encoded it: cannot happen, and the token is replaced anyway
            }
        }
        Set<String> raw = new LinkedHashSet<>();
        raw.add(value);
        raw.addAll(secrets);
        Set<String> texts = new LinkedHashSet<>();
        for (String each : raw) {
            texts.add(each);
            texts.add(each.replace("/", "\\/")); // PHP's json_encode, among others
            texts.add(each.replace("+", "\\u002b")); // ASP.NET Core's System.Text.Json (matched in any case)
            texts.add(URLEncoder.encode(each, StandardCharsets.UTF_8));
        }
        List<byte[]> spellings = new ArrayList<>();
        for (String text : texts) {
            spellings.add(text.getBytes(StandardCharsets.UTF_8));
        }
        for (String secret : secrets) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            spellings.add(HexFormat.of().formatHex(bytes).getBytes(StandardCharsets.US_ASCII));
            spellings.add(secret.getBytes(StandardCharsets.UTF_16LE));
            spellings.add(secret.getBytes(StandardCharsets.UTF_16BE));
            for (Charset wide : OTHER_ENCODINGS) {
                spellings.add(secret.getBytes(wide));
            }
            for (int offset = 0; offset < 3; offset++) {
                String run = base64Inside(bytes, offset);
                spellings.add(run.getBytes(StandardCharsets.US_ASCII));
                spellings.add(run.replace('+', '-').replace('/', '_').getBytes(StandardCharsets.US_ASCII)); // URL-safe
            }
        }
        Set<String> seen = new HashSet<>();
        return new EchoedCredential(spellings.stream().filter(s -> s.length >= MIN_LENGTH).map(EchoedCredential::lowerCase)
                .filter(s -> seen.add(new String(s, StandardCharsets.ISO_8859_1))).toList(),
                secrets.stream().filter(s -> s.length() >= MIN_LENGTH).map(EscapedSecret::new).toList());
    }

    /**
     * The characters of a Base64 run that {@code bytes} decide alone when the run starts
     * {@code offset} bytes (0 to 2) before them: an encoder that writes a request, or a part of
     * one, in Base64 puts the credential at any of those three places.
     */
    private static String base64Inside(byte[] bytes, int offset) {
        byte[] placed = new byte[offset + bytes.length];
        System.arraycopy(bytes, 0, placed, offset, bytes.length);
        String run = Base64.getEncoder().withoutPadding().encodeToString(placed);
        int first = (offset * 8 + 5) / 6; // the first character whose six bits all come from the credential
        int end = (placed.length * 8) / 6; // past the last such character
        return run.substring(first, Math.max(first, end));
    }

    private static byte[] lowerCase(byte[] spelling) {
        byte[] lower = spelling.clone();
        for (int i = 0; i < lower.length; i++) {
            lower[i] = lower(lower[i]);
        }
        return lower;
    }

    /** The spellings whose first byte is the one at {@code at}, in any case, longest first. */
    private byte[][] candidates(byte[] bytes, int at) {
        byte[][] found = byFirst[lower(bytes[at]) & 0xff];
        return found == null ? NO_SPELLINGS : found;
    }

    /** Whether the two bytes at {@code at}, in any case, start a spelling or an escaped reading. */
    private boolean startsTwo(byte[] bytes, int at) {
        int pair = pair(bytes, at);
        return (firstTwo[pair >>> 6] & 1L << pair) != 0;
    }

    /** The two bytes at {@code at}, in lower case, as one number. */
    private static int pair(byte[] bytes, int at) {
        return (lower(bytes[at]) & 0xff) << 8 | lower(bytes[at + 1]) & 0xff;
    }

    private static byte upper(byte b) {
        return b >= 'a' && b <= 'z' ? (byte) (b - ('a' - 'A')) : b;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    /** A header's value with every spelling replaced. */
    String scrubbed(String value) {
        if (spellings.isEmpty()) {
            return value;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] scrubbed = scrubbed(bytes);
        return scrubbed == bytes ? value : new String(scrubbed, StandardCharsets.UTF_8);
    }

    /** A body held whole: the same array when it holds no spelling, else a copy with each replaced. */
    byte[] scrubbed(byte[] whole) {
        if (whole == null || spellings.isEmpty() || !holds(whole, whole.length)) {
            return whole;
        }
        byte[] copy = whole.clone();
        replace(copy, copy.length);
        return copy;
    }

    /** A body as it streams, each spelling replaced even across the target's writes. */
    InputStream scrubbing(InputStream body) {
        return spellings.isEmpty() ? body : new Scrubbing(body);
    }

    /**
     * The masker's output on its way to the caller, each spelling replaced as in {@link #scrubbing(InputStream)}:
     * the masker writes a masked caller's JSON again, its escapes undone ({@code \\u0048...} as {@code H...}), so a
     * credential the target's bytes held in no spelling may hold one once masked. Closing it passes on the
     * held-back tail and leaves {@code out} open.
     */
    OutputStream scrubbing(OutputStream out) {
        return spellings.isEmpty() ? out : new ScrubbingOutput(out);
    }

    /** Whether a spelling, escaped or not, may start at {@code at}: told by two look-ups for nearly every byte. */
    private boolean mayStartAt(byte[] bytes, int length, int at) {
        return starts[bytes[at] & 0xff] && (at + 1 >= length || startsTwo(bytes, at));
    }

    private boolean holds(byte[] bytes, int length) {
        for (int at = 0; at < length; at++) {
            if (mayStartAt(bytes, length, at) && endOfSpellingAt(bytes, length, at) > at) {
                return true;
            }
        }
        return false;
    }

    /**
     * Replaces every spelling found. A stretch is filled only once the search has passed it, so a
     * spelling that starts inside another one's (their ends overlapping) is still seen as written.
     */
    private void replace(byte[] bytes, int length) {
        int fillFrom = 0;
        int fillTo = 0;
        for (int at = 0; at < length; at++) {
            if (!mayStartAt(bytes, length, at)) {
                continue;
            }
            int end = endOfSpellingAt(bytes, length, at);
            if (end <= at) {
                continue;
            }
            if (at > fillTo) {
                Arrays.fill(bytes, fillFrom, fillTo, (byte) '*');
                fillFrom = at;
            }
            fillTo = Math.max(fillTo, end);
        }
        Arrays.fill(bytes, fillFrom, fillTo, (byte) '*');
    }

    /** Where the longest spelling that starts at {@code at} ends, in any case, escaped or not; -1 when none does. */
    private int endOfSpellingAt(byte[] bytes, int length, int at) {
        int end = -1;
        for (byte[] spelling : candidates(bytes, at)) { // (the caller asked mayStartAt: the pair may start one)
            if (at + spelling.length <= length && matches(bytes, at, spelling)) {
                end = at + spelling.length;
                break;
            }
        }
        for (EscapedSecret secret : escaped) {
            end = Math.max(end, secret.endAt(bytes, length, at));
        }
        return end;
    }

    /**
     * Where the tail that may begin a spelling the bytes so far do not yet hold whole starts, at most
     * {@code longest - 1} bytes before {@code length}: what comes before it can go on. So an answer
     * is held back only where a spelling may be on its way (a stream's events reach the caller
     * without waiting for the next one), and never by more than the longest spelling less one.
     */
    private int heldFrom(byte[] bytes, int from, int length) {
        for (int at = Math.max(from, length - (longest - 1)); at < length; at++) {
            if (starts[bytes[at] & 0xff] && mayBegin(bytes, at, length)) {
                return at;
            }
        }
        return length;
    }

    private boolean mayBegin(byte[] bytes, int at, int length) {
        for (byte[] spelling : candidates(bytes, at)) {
            if (at + spelling.length > length && matches(bytes, at, spelling, length - at)) {
                return true;
            }
        }
        for (EscapedSecret secret : escaped) {
            if (secret.mayBeginAt(bytes, length, at)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] bytes, int at, byte[] spelling) {
        return matches(bytes, at, spelling, spelling.length);
    }

    /** Whether the first {@code count} bytes of {@code spelling} are at {@code at}, in any case. */
    private static boolean matches(byte[] bytes, int at, byte[] spelling, int count) {
        for (int i = 0; i < count; i++) {
            if (lower(bytes[at + i]) != spelling[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Holds back the last {@code longest - 1} bytes read until more come or the body ends, so that a
     * spelling split between two of the target's writes is seen whole before any of it is passed on.
     */
    private final class Scrubbing extends FilterInputStream {

        private byte[] buffer = new byte[16 * 1024];
        private int start;
        private int filled;
        private int releasable;
        private boolean ended;

        Scrubbing(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] to, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (start == releasable) {
                if (ended) {
                    return -1;
                }
                fill();
            }
            int n = Math.min(length, releasable - start);
            System.arraycopy(buffer, start, to, offset, n);
            start += n;
            return n;
        }

        /** Reads what the target sends next, replaces the spellings in what is held, and releases all but the tail. */
        private void fill() throws IOException {
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
                releasable -= start;
                start = 0;
            }
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                ended = true;
                releasable = filled;
                return;
            }
            filled += n;
            replace(buffer, filled);
            releasable = Math.max(releasable, heldFrom(buffer, releasable, filled));
        }

        @Override
        public int available() {
            return releasable - start;
        }

        @Override
        public long skip(long n) throws IOException {
            return Math.max(0, read(new byte[(int) Math.max(1, Math.min(n, 8192))]));
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /** Holds back the last {@code longest - 1} bytes written, as {@link Scrubbing} does those read. */
    private final class ScrubbingOutput extends FilterOutputStream {

        private byte[] held = new byte[16 * 1024];
        private int filled;

        ScrubbingOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] from, int offset, int length) throws IOException {
            if (filled + length > held.length) {
                held = Arrays.copyOf(held, Math.max(held.length * 2, filled + length));
            }
            System.arraycopy(from, offset, held, filled, length);
            filled += length;
            replace(held, filled);
            int release = heldFrom(held, 0, filled);
            if (release > 0) {
                out.write(held, 0, release);
                System.arraycopy(held, release, held, 0, filled - release);
                filled -= release;
            }
        }

        /** Passes on what is released; the tail stays held, as a spelling may go on in the next write. */
        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.write(held, 0, filled);
            filled = 0;
        }
    }
}
