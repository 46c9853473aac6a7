package dev.tracegate.masking;

import java.io.IOException;

/**
 * Where a {@link JsonMasking} walk puts the document it masks, token by token as the walk reads
 * them: each token is either kept as it came or replaced. A generator writes every token
 * ({@link GeneratedJson}, for streams); a document held whole needs only the replacements, the
 * rest being its own bytes ({@link JsonSpanWriter}).
 */
interface JsonOutput {

    void startObject() throws IOException;

    void startArray() throws IOException;

    void endObject() throws IOException;

    void endArray() throws IOException;

    /** The current field name, kept. */
    void name(String name) throws IOException;

    /** The current field name, replaced by {@code written}. */
    void replaceName(String written) throws IOException;

    /** The current string value, kept ({@code value} is its decoded text). */
    void string(String value) throws IOException;

    /** The current number, kept ({@code value} is its text). */
    void number(String value) throws IOException;

    /** The current {@code true}, {@code false} or {@code null}, kept. */
    void literal() throws IOException;

    /** The current string or number replaced by {@code value} as a string, or by {@code null}. */
    void replace(String value) throws IOException;

    /**
     * Where the current string or number is, for {@link #replaceAt} once the walk has kept it; -1 when
     * this output cannot replace a token it has passed (a stream's generator has written it).
     */
    long place();

    /** The string or number at {@code place} (from {@link #place}, kept when it was read) replaced by {@code value}. */
    void replaceAt(long place, String value) throws IOException;

    /**
     * From the current token on, keeps what it would write so that {@link #place} can name it: a record
     * holds a value that a later one may show to be a piece of another ({@link RecordPieces}). A document
     * held whole can always be replaced behind, and ignores this.
     */
    default void hold() {
    }

    /**
     * Writes what {@link #hold} kept before {@code place} and holds on from there: a long array's units
     * read a window at a time ({@link ElementUnits}) hold only the window's context.
     */
    default void writeBefore(long place) throws IOException {
    }

    /** Writes what {@link #hold} kept: the record that asked for it has closed. */
    default void release() throws IOException {
    }

    /** The current object or array, just opened, skipped and replaced by {@code null}. */
    void nullifyContainer() throws IOException;
}
