package dev.tracegate.gateway.results;

/**
 * A protocol's binary cell format, as far as the masker reads and writes it: which types arrive
 * as their text's bytes anyway, which it can turn into text and back, and how.
 */
public interface BinaryCells {

    /** The binary form of this type is its text. */
    boolean isText(String type);

    /** The masker can read this type's binary form as text (and write a masked text back). */
    boolean readable(String type);

    String toText(String type, byte[] cell);

    /** The binary form of a masked text; {@code null} for NULL (a text the type cannot hold). */
    byte[] fromText(String type, String text);

    /** Values of this type are bytes, not text, in either format: the evidence keeps their size only. */
    boolean opaque(String type);
}
