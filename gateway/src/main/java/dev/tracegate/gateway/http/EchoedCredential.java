package dev.tracegate.gateway.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URLEncoder;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The held credential as a target may echo it back: a target that shows the request it got (an
 * echo or debug endpoint such as httpbin's {@code /anything}, an error page listing the headers,
 * {@code phpinfo()}) would hand the caller, and the evidence, the very credential the gateway holds
 * so that callers never have it. Each spelling (the header's value, its token, a basic credential's
 * password, each also with JSON's escaped slashes and percent-encoded) is replaced in the answer's
 * headers and body by as many {@code *}: the same length, so a body's framing and a JSON string
 * stay as they were. Spellings shorter than {@link #MIN_LENGTH} are not replaced (they would
 * turn up in ordinary text).
 */
final class EchoedCredential {

    static final int MIN_LENGTH = 8;
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    static final EchoedCredential NONE = new EchoedCredential(List.of());

    private final List<byte[]> spellings;
    /**
     * The spellings that hold no other spelling ({@code TOKEN}, not {@code Bearer TOKEN}): wherever a
     * spelling is, one of these is within it, so a body that holds none of them holds no spelling,
     * and the search of a body that holds none (nearly every body) reads it once for each of these
     * alone, not once for every spelling (a bearer token's three for one).
     */
    private final List<byte[]> cores;
    private final int longest;

    private EchoedCredential(List<byte[]> spellings) {
        this.spellings = spellings;
        this.cores = spellings.stream().filter(spelling -> spellings.stream().noneMatch(other -> other != spelling
                && other.length < spelling.length && indexOf(spelling, spelling.length, other, 0) >= 0)).toList();
        this.longest = spellings.stream().mapToInt(s -> s.length).max().orElse(0);
    }

    /** The spellings of a credential sent as {@code value} ({@code Bearer TOKEN}, {@code Basic BASE64}, a key). */
    static EchoedCredential of(String value) {
        Set<String> raw = new LinkedHashSet<>();
        raw.add(value);
        String token = value.substring(value.lastIndexOf(' ') + 1);
        raw.add(token);
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
                raw.add(pair.substring(pair.indexOf(':') + 1));
            } catch (IllegalArgumentException notBase64) {
                // the gateway encoded it: cannot happen, and the token is replaced anyway
            }
        }
        Set<String> spellings = new LinkedHashSet<>();
        for (String each : raw) {
            spellings.add(each);
            spellings.add(each.replace("/", "\\/")); // PHP's json_encode, among others
            spellings.add(URLEncoder.encode(each, StandardCharsets.UTF_8));
        }
        return new EchoedCredential(spellings.stream().filter(s -> s.length() >= MIN_LENGTH)
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
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

    private boolean holds(byte[] bytes, int length) {
        for (byte[] spelling : cores) {
            if (indexOf(bytes, length, spelling, 0) >= 0) {
                return true;
            }
        }
        return false;
    }

    private void replace(byte[] bytes, int length) {
        for (byte[] spelling : spellings) {
            for (int at = indexOf(bytes, length, spelling, 0); at >= 0; at = indexOf(bytes, length, spelling, at + spelling.length)) {
                Arrays.fill(bytes, at, at + spelling.length, (byte) '*');
            }
        }
    }

    /**
     * Where {@code spelling} starts in {@code bytes[from, length)}, or -1. The spelling's first byte is
     * looked for eight bytes at a time (a word that holds none of it is passed over whole), since nearly
     * every answer holds no spelling and is read to its end for nothing: a byte at a time, a 64 KiB
     * answer took about 30 us per spelling.
     */
    static int indexOf(byte[] bytes, int length, byte[] spelling, int from) {
        byte first = spelling[0];
        long firsts = (first & 0xFFL) * ONES;
        int last = length - spelling.length;
        int at = from;
        while (at <= last) {
            if (at <= length - Long.BYTES) {
                long word = (long) WORDS.get(bytes, at) ^ firsts; // a zero byte where the first byte is
                if (((word - ONES) & ~word & HIGHS) == 0) {
                    at += Long.BYTES;
                    continue;
                }
            }
            for (int end = Math.min(at + Long.BYTES, last + 1); at < end; at++) {
                if (bytes[at] == first && Arrays.equals(bytes, at, at + spelling.length, spelling, 0, spelling.length)) {
                    return at;
                }
            }
        }
        return -1;
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
            if (holds(buffer, filled)) {
                replace(buffer, filled);
            }
            releasable = Math.max(releasable, filled - (longest - 1));
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
}
