package dev.tracegate.masking;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.base.ParserBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A walk's output for a document held whole (a string or UTF-8 bytes): the input is copied as it
 * is up to the first token the walk replaces, then the replacement, then the input again from the
 * end of that token. The clean bulk of a document (names, numbers, punctuation, whitespace, strings
 * as the upstream escaped them) costs one copy instead of a generator's re-encoding of every token,
 * and a document in which nothing is replaced comes back as the very input.
 *
 * <p>The parser tells where a token starts; where a replaced one ends is read from the input (a
 * string's closing quote, a number's last character, a container's closing bracket as the parser
 * reports it after skipping the container). The parser has already read and validated every byte
 * copied, so the output is as valid as the input.
 *
 * <p>Replacements are kept as edits and applied when the result is asked for, so a walk may still
 * replace a string it kept once a later one shows it to be a piece of a value the two make together
 * ({@link #replaceAt}, {@link RecordPieces}).
 */
abstract sealed class JsonSpanWriter implements JsonOutput {

    private final JsonParser in;
    /** Where the input not yet copied to the output starts. */
    int copied;
    /**
     * The replacements, applied by {@link #applyEdits}: the input from {@code starts[k]} to {@code ends[k]}
     * replaced by {@code values[k]} (a JSON string, or null). Kept in arrays, not an object each: a
     * document of orders has a thousand.
     */
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private String[] values = new String[16];
    private int edits;
    /** Whether the edits are in the input's order (a late replacement of a kept piece may break it). */
    private boolean inOrder = true;

    private JsonSpanWriter(JsonParser in) {
        this.in = in;
    }

    @Override
    public void startObject() {
    }

    @Override
    public void startArray() {
    }

    @Override
    public void endObject() {
    }

    @Override
    public void endArray() {
    }

    @Override
    public void name(String name) {
    }

    @Override
    public void replaceName(String written) {
        replaceToken(written);
    }

    @Override
    public void string(String value) {
    }

    @Override
    public void number(String value) {
    }

    @Override
    public void literal() {
    }

    @Override
    public void replace(String value) {
        replaceToken(value);
    }

    @Override
    public void nullifyContainer() throws IOException {
        int start = tokenStart();
        in.skipChildren();
        replace(start, tokenStart() + 1, null);
    }

    private void replaceToken(String value) {
        int start = tokenStart();
        replace(start, tokenEnd(start), value);
    }

    /**
     * Asked of every value a record may hold, so read without the location object {@link #tokenStart}
     * makes: Jackson's parsers count a value token's start one past where its location puts it
     * (a field name's differently; only values are placed).
     */
    @Override
    public long place() {
        return in instanceof ParserBase base ? base.getTokenCharacterOffset() - 1 : offset(in);
    }

    @Override
    public void replaceAt(long place, String value) {
        int start = Math.toIntExact(place);
        replace(start, tokenEnd(start), value);
    }

    /** Where the current token starts in the input. */
    private int tokenStart() {
        return Math.toIntExact(offset(in));
    }

    /** The end of the string (from its opening quote) or number that starts at {@code start}. */
    private int tokenEnd(int start) {
        int i = start;
        if (at(i) == '"') {
            i++;
            while (at(i) != '"') {
                i += at(i) == '\\' ? 2 : 1;
            }
            return i + 1;
        }
        while (i < length() && numberPart(at(i))) {
            i++;
        }
        return i;
    }

    private static boolean numberPart(int c) {
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    }

    /** Keeps the replacement of the input from {@code start} to {@code end} by {@code value} (a JSON string, or {@code null}). */
    private void replace(int start, int end, String value) {
        if (edits > 0 && ends[edits - 1] > start && replacedAgain(start, value)) {
            return; // a value a record's pieces and its array's units both mask is one edit
        }
        if (edits == starts.length) {
            starts = Arrays.copyOf(starts, edits * 2);
            ends = Arrays.copyOf(ends, edits * 2);
            values = Arrays.copyOf(values, edits * 2);
        }
        inOrder &= edits == 0 || ends[edits - 1] <= start;
        starts[edits] = start;
        ends[edits] = end;
        values[edits++] = value;
    }

    /** Whether an edit behind the last already starts at {@code start}: it takes {@code value} instead. */
    private boolean replacedAgain(int start, String value) {
        for (int k = edits - 1; k >= Math.max(0, edits - 4 * ElementUnits.WINDOW); k--) {
            if (starts[k] == start) {
                values[k] = value;
                return true;
            }
        }
        return false;
    }

    /** Whether any replacement was kept: else the result is the input itself. */
    boolean edited() {
        return edits > 0;
    }

    /** Copies the input with every replacement kept, in the input's order; the rest is copied at the end. */
    void applyEdits() {
        Integer[] order = inOrder ? null : inputOrder();
        for (int n = 0; n < edits; n++) {
            int k = order == null ? n : order[n];
            copyTo(starts[k]);
            if (values[k] == null) {
                writeNull();
            } else {
                writeQuoted(values[k]);
            }
            copied = ends[k];
        }
        edits = 0;
    }

    /** The edits' indexes by where they start in the input. */
    private Integer[] inputOrder() {
        Integer[] order = new Integer[edits];
        for (int k = 0; k < edits; k++) {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.comparingInt(k -> starts[k]));
        return order;
    }

    abstract long offset(JsonParser in);

    abstract int at(int index);

    abstract int length();

    /** Copies the input from {@link #copied} to {@code end}. */
    abstract void copyTo(int end);

    abstract void writeNull();

    abstract void writeQuoted(String value);

    /** Over a document held as a string. */
    static final class OfChars extends JsonSpanWriter {
        private final String json;
        private StringBuilder out;

        OfChars(JsonParser in, String json) {
            super(in);
            this.json = json;
        }

        /** The masked document: {@code json} itself when nothing was replaced. */
        String result() {
            if (!edited()) {
                return json;
            }
            applyEdits();
            copyTo(json.length());
            return out.toString();
        }

        @Override
        long offset(JsonParser in) {
            return in.currentTokenLocation().getCharOffset();
        }

        @Override
        int at(int index) {
            return json.charAt(index);
        }

        @Override
        int length() {
            return json.length();
        }

        @Override
        void copyTo(int end) {
            if (out == null) {
                out = new StringBuilder(json.length() + 16);
            }
            out.append(json, copied, end);
            copied = end;
        }

        @Override
        void writeNull() {
            out.append("null");
        }

        @Override
        void writeQuoted(String value) {
            out.append('"');
            JsonStringEncoder.getInstance().quoteAsString(value, out);
            out.append('"');
        }
    }

    /** Over a document held as UTF-8 bytes. */
    static final class OfBytes extends JsonSpanWriter {
        private static final byte[] NULL = {'n', 'u', 'l', 'l'};
        private final byte[] json;
        private byte[] out;
        private int size;

        OfBytes(JsonParser in, byte[] json) {
            super(in);
            this.json = json;
        }

        /** The masked document: {@code json} itself when nothing was replaced. */
        byte[] result() {
            if (!edited()) {
                return json;
            }
            applyEdits();
            copyTo(json.length);
            return size == out.length ? out : Arrays.copyOf(out, size);
        }

        @Override
        long offset(JsonParser in) {
            return in.currentTokenLocation().getByteOffset();
        }

        @Override
        int at(int index) {
            return json[index] & 0xff;
        }

        @Override
        int length() {
            return json.length;
        }

        @Override
        void copyTo(int end) {
            append(json, copied, end - copied);
            copied = end;
        }

        @Override
        void writeNull() {
            append(NULL, 0, NULL.length);
        }

        /**
         * A placeholder, hash or partial mask is printable ASCII with nothing to escape, written
         * as it is; anything else through Jackson's encoder, as the generator would write it.
         */
        @Override
        void writeQuoted(String value) {
            room(value.length() + 2);
            out[size++] = '"';
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                    size -= i;
                    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(value);
                    append(quoted, 0, quoted.length);
                    room(1);
                    break;
                }
                out[size++] = (byte) c;
            }
            out[size++] = '"';
        }

        private void append(byte[] bytes, int from, int length) {
            room(length);
            System.arraycopy(bytes, from, out, size, length);
            size += length;
        }

        /** Makes room for {@code more} bytes: the input's length at first, doubled when a replacement is longer. */
        private void room(int more) {
            if (out == null) {
                out = new byte[Math.max(json.length + 16, more)];
            } else if (size + more > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
            }
        }
    }
}
