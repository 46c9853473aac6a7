package dev.tracegate.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A target's body with its content codings undone, so that what the client would read once it
 * decompresses can be searched for the held credential ({@link EchoedCredential}): a compressed
 * echo holds the credential in none of its bytes. Codings are undone in the reverse of the order
 * the {@code Content-Encoding} lists them. {@code gzip} (and {@code x-gzip}) and {@code deflate}
 * are read, {@code deflate} both as RFC 9110 defines it (zlib) and as raw DEFLATE, which some
 * servers send under that name and clients read; any other coding ({@code br}, {@code zstd},
 * {@code compress}, a made-up one) cannot be read by the gateway, and {@link #codings} says so.
 * The decoder starts at the first read, so a body that is empty (a HEAD's answer labelled gzip)
 * reads as empty.
 */
final class DecodedBody extends InputStream {

    private final List<String> codings;
    private final InputStream raw;
    private final List<Inflater> inflaters = new ArrayList<>(1);
    private InputStream decoded;

    private DecodedBody(List<String> codings, InputStream raw) {
        this.codings = codings;
        this.raw = raw;
    }

    /**
     * The codings applied to a body, in order, {@code identity} left out; null when one of them is
     * one the gateway cannot undo.
     */
    static List<String> codings(List<String> contentEncodings) {
        List<String> codings = new ArrayList<>(1);
        for (String header : contentEncodings) {
            for (String coding : header.split(",")) {
                String name = coding.strip().toLowerCase(Locale.ROOT);
                if (name.isEmpty() || name.equals("identity")) {
                    continue;
                }
                if (!name.equals("gzip") && !name.equals("x-gzip") && !name.equals("deflate")) {
                    return null;
                }
                codings.add(name);
            }
        }
        return codings;
    }

    /** The body with {@code codings} (from {@link #codings}, not null) undone. */
    static InputStream of(List<String> codings, InputStream raw) {
        return codings.isEmpty() ? raw : new DecodedBody(codings, raw);
    }

    @Override
    public int read() throws IOException {
        return decoded().read();
    }

    @Override
    public int read(byte[] to, int offset, int length) throws IOException {
        return decoded().read(to, offset, length);
    }

    private InputStream decoded() throws IOException {
        if (decoded == null) {
            decoded = start();
        }
        return decoded;
    }

    private InputStream start() throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, 2);
        int first = in.read();
        if (first < 0) {
            return in;
        }
        in.unread(first);
        InputStream body = in;
        for (String coding : codings.reversed()) {
            body = coding.equals("deflate") ? inflated(body) : new GZIPInputStream(body, 16 * 1024);
        }
        return body;
    }

    /** zlib when the first two bytes are a zlib header (RFC 1950: method 8, a multiple of 31), else raw DEFLATE. */
    private InputStream inflated(InputStream body) throws IOException {
        PushbackInputStream in = new PushbackInputStream(body, 2);
        byte[] head = in.readNBytes(2);
        in.unread(head);
        boolean zlib = head.length == 2 && (head[0] & 0x0f) == 8 && (((head[0] & 0xff) << 8) | (head[1] & 0xff)) % 31 == 0;
        Inflater inflater = new Inflater(!zlib);
        inflaters.add(inflater); // a stream given its own Inflater does not end it when closed
        return new InflaterInputStream(in, inflater, 16 * 1024);
    }

    @Override
    public void close() throws IOException {
        try {
            if (decoded != null) {
                decoded.close();
            }
            raw.close();
        } finally {
            inflaters.forEach(Inflater::end);
        }
    }
}
