package dev.tracegate.gateway.http;

import dev.tracegate.policy.rules.HttpRequestFacts;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON request body on its way to the target, read for the string values of its top-level
 * {@code _method} fields ({@link HttpRequestFacts#isMethodParameter}): Laravel takes a POST whose
 * JSON body holds {@code {"_method": "DELETE"}} for a DELETE. The body streams as it came, never
 * held whole; only its last byte is held back (when its length was declared; a chunked body's end
 * is its last chunk, which the sender writes only when told to), so the target cannot take the
 * request as complete before the gateway has weighed the methods the body names and either
 * {@linkplain #release released} it or aborted the exchange. Reading is a scan of bytes in constant
 * memory: depth, strings and escapes, and the text of top-level keys and of their values up to
 * {@link #LONGEST_TOKEN} characters (a longer key cannot be {@code _method}; a longer value is kept
 * cut, a method the gateway does not know either way). A body that is not a JSON object names no
 * method to a target that parses it as one; a value that is not a string is no method to Laravel,
 * but the strings of a list are to Express's method-override, which takes a list's first element.
 */
final class JsonMethodFields extends FilterOutputStream {

    /** Longest key or method value whose text is kept, escapes included. */
    static final int LONGEST_TOKEN = 256;
    /** Bytes of a key or method value kept: one more than {@link #LONGEST_TOKEN}, so a longer key shows. */
    private static final int KEPT = LONGEST_TOKEN + 1;
    private static final byte[] METHOD = "method".getBytes(StandardCharsets.US_ASCII);
    /** Where a body read whole "goes": it is only read. Never closed, so one serves every scan. */
    private static final OutputStream NOWHERE = OutputStream.nullOutputStream();

    private final long length;
    private long written;
    private int heldBack = -1;

    private int depth;
    private boolean started;
    private boolean topIsObject;
    private boolean inString;
    private boolean escaped;
    /** In the top-level object: the next string is a key. */
    private boolean expectingKey;
    /** After a method field's key and its colon: the value is wanted. */
    private boolean awaitingMethod;
    /** The last top-level key was a method field's. */
    private boolean methodKey;
    /**
     * In a method field's list ({@code "_method": ["DELETE"]}): its strings are method values, as
     * Express's method-override takes a list's first element for the method.
     */
    private boolean inMethodList;
    /** Whether the string being read is a top-level key or a method value, whose raw bytes are wanted. */
    private boolean collecting;
    private boolean tokenIsKey;
    /**
     * The start of a key or method value that began in an earlier write, raw (escapes undecoded).
     * Read within one write, a token is read where it lies: the body is not copied, and a body
     * naming no method allocates nothing per key.
     */
    private byte[] carry;
    private int carried;
    private List<String> methods = List.of();

    /**
     * @param to     where the body goes
     * @param length the body's declared length (its last byte is held back), or -1 when it goes chunked
     */
    JsonMethodFields(OutputStream to, long length) {
        super(to);
        this.length = length;
    }

    /** The methods a body read whole names. */
    static List<String> of(byte[] body) {
        JsonMethodFields scan = new JsonMethodFields(NOWHERE, -1);
        scan.read(body, 0, body.length);
        return scan.methods();
    }

    /** The values of the top-level method fields read so far, in order. */
    List<String> methods() {
        return List.copyOf(methods);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        read(b, off, len);
        if (length >= 0 && written + len == length && len > 0) {
            out.write(b, off, len - 1);
            heldBack = b[off + len - 1] & 0xFF;
        } else {
            out.write(b, off, len);
        }
        written += len;
    }

    /** The methods weighed and none refused: the last byte goes, and the target may take the body as complete. */
    void release() throws IOException {
        if (heldBack >= 0) {
            out.write(heldBack);
            heldBack = -1;
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    private void read(byte[] b, int off, int len) {
        int tokenStart = off; // where the token being collected starts in b (or b's start, when it began before)
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (!inString) {
                if (c == '"') {
                    tokenStart = i + 1;
                }
                outsideString(c);
            } else if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
                if (collecting) {
                    endToken(b, tokenStart, i);
                }
            }
        }
        if (collecting) {
            keep(b, tokenStart, off + len);
        }
    }

    private void outsideString(byte c) {
        switch (c) {
            case '"' -> {
                inString = true;
                boolean key = depth == 1 && topIsObject && expectingKey;
                boolean method = depth == 1 && awaitingMethod || depth == 2 && inMethodList;
                awaitingMethod = false;
                tokenIsKey = key;
                collecting = key || method;
                carried = 0;
            }
            case '{', '[' -> {
                if (!started) {
                    started = true;
                    topIsObject = c == '{';
                }
                inMethodList = inMethodList || depth == 1 && awaitingMethod && c == '[';
                awaitingMethod = false;
                depth++;
                expectingKey = depth == 1 && topIsObject;
            }
            case '}', ']' -> {
                depth--;
                inMethodList = inMethodList && depth > 1;
            }
            case ':' -> awaitingMethod = depth == 1 && methodKey;
            case ',' -> expectingKey = depth == 1 && topIsObject;
            case ' ', '\t', '\r', '\n' -> {
                // white space between tokens
            }
            default -> {
                started = true; // a top-level scalar, or a scalar value: no method
                awaitingMethod = false;
            }
        }
    }

    /** Keeps the part of a token this write holds, up to {@link #KEPT} bytes in all, for the next write. */
    private void keep(byte[] b, int from, int to) {
        int n = Math.min(to - from, KEPT - carried);
        if (n > 0) {
            if (carry == null) {
                carry = new byte[KEPT];
            }
            System.arraycopy(b, from, carry, carried, n);
            carried += n;
        }
    }

    /** The token that ends at {@code end} in b (its start, if it began in an earlier write, carried). */
    private void endToken(byte[] b, int start, int end) {
        byte[] raw = b;
        int from = start;
        int size = end - start;
        if (carried > 0) {
            keep(b, start, end);
            raw = carry;
            from = 0;
            size = carried;
        }
        if (tokenIsKey) {
            methodKey = size <= LONGEST_TOKEN && mayBeMethod(raw, from, size)
                    && HttpRequestFacts.isMethodParameter(decoded(raw, from, size));
            expectingKey = false;
        } else {
            if (methods.isEmpty()) {
                methods = new ArrayList<>(1);
            }
            methods.add(decoded(raw, from, Math.min(size, KEPT)));
            methodKey = false;
        }
        collecting = false;
        carried = 0;
    }

    /**
     * Whether a key's raw bytes could read as a method field's name: only one that holds an escape,
     * a byte outside ASCII (whose case folding the name test weighs) or {@code method} in any case
     * can, so the others are not decoded into a String at all.
     */
    private static boolean mayBeMethod(byte[] raw, int from, int size) {
        for (int i = from; i < from + size; i++) {
            if (raw[i] == '\\' || raw[i] < 0) {
                return true;
            }
        }
        for (int i = from; i + METHOD.length <= from + size; i++) {
            if (asciiMatch(raw, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean asciiMatch(byte[] raw, int at) {
        for (int j = 0; j < METHOD.length; j++) {
            if ((raw[at + j] | 0x20) != METHOD[j]) {
                return false;
            }
        }
        return true;
    }

    /** A JSON string's raw bytes as its text: UTF-8, with its escapes decoded. */
    private static String decoded(byte[] raw, int from, int size) {
        int end = from + size;
        ByteArrayOutputStream utf8 = null;
        int copied = from;
        for (int i = from; i < end; i++) {
            if (raw[i] != '\\' || i + 1 >= end) {
                continue;
            }
            if (utf8 == null) {
                utf8 = new ByteArrayOutputStream(size);
            }
            utf8.write(raw, copied, i - copied);
            char escape = (char) raw[++i];
            char decoded = switch (escape) {
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> i + 4 < end ? unicode(raw, i + 1) : '?';
                default -> escape;
            };
            if (escape == 'u') {
                i += 4;
            }
            utf8.writeBytes(String.valueOf(decoded).getBytes(StandardCharsets.UTF_8));
            copied = i + 1;
        }
        if (utf8 == null) {
            return new String(raw, from, size, StandardCharsets.UTF_8);
        }
        utf8.write(raw, copied, Math.max(0, end - copied));
        return utf8.toString(StandardCharsets.UTF_8);
    }

    private static char unicode(byte[] raw, int from) {
        try {
            return (char) Integer.parseInt(new String(raw, from, 4, StandardCharsets.ISO_8859_1), 16);
        } catch (NumberFormatException malformed) {
            return '?';
        }
    }
}
