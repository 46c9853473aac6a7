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
 * method to a target that parses it as one; a value that is not a string is no method to Laravel.
 */
final class JsonMethodFields extends FilterOutputStream {

    /** Longest key or method value whose text is kept, escapes included. */
    static final int LONGEST_TOKEN = 256;

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
    /** The key or method value being read, as raw bytes (escapes undecoded); null when not collecting. */
    private ByteArrayOutputStream token;
    private boolean tokenIsKey;
    private final List<String> methods = new ArrayList<>(1);

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
        JsonMethodFields scan = new JsonMethodFields(OutputStream.nullOutputStream(), -1);
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
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (inString) {
                inString(c);
            } else {
                outsideString(c);
            }
        }
    }

    private void inString(byte c) {
        if (escaped) {
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            inString = false;
            endToken();
            return;
        }
        if (token != null && token.size() <= LONGEST_TOKEN) {
            token.write(c);
        }
    }

    private void outsideString(byte c) {
        switch (c) {
            case '"' -> {
                inString = true;
                boolean key = depth == 1 && topIsObject && expectingKey;
                boolean method = depth == 1 && awaitingMethod;
                awaitingMethod = false;
                tokenIsKey = key;
                token = key || method ? new ByteArrayOutputStream() : null;
            }
            case '{', '[' -> {
                if (!started) {
                    started = true;
                    topIsObject = c == '{';
                }
                awaitingMethod = false;
                depth++;
                expectingKey = depth == 1 && topIsObject;
            }
            case '}', ']' -> depth--;
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

    private void endToken() {
        if (token == null) {
            return;
        }
        String text = decoded(token.toByteArray());
        if (tokenIsKey) {
            methodKey = token.size() <= LONGEST_TOKEN && HttpRequestFacts.isMethodParameter(text);
            expectingKey = false;
        } else {
            methods.add(text);
            methodKey = false;
        }
        token = null;
    }

    /** A JSON string's raw bytes as its text: UTF-8, with its escapes decoded. */
    private static String decoded(byte[] raw) {
        ByteArrayOutputStream utf8 = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != '\\' || i + 1 >= raw.length) {
                utf8.write(raw[i]);
                continue;
            }
            char escape = (char) raw[++i];
            char decoded = switch (escape) {
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> i + 4 < raw.length ? unicode(raw, i + 1) : '?';
                default -> escape;
            };
            if (escape == 'u') {
                i += 4;
            }
            utf8.writeBytes(String.valueOf(decoded).getBytes(StandardCharsets.UTF_8));
        }
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
