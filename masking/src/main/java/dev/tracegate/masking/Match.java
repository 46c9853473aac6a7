package dev.tracegate.masking;

/** A span {@code [start, end)} of a text that holds an entity of {@code type}. */
public record Match(int start, int end, EntityType type) {

    public Match {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("empty or negative span [" + start + ", " + end + ")");
        }
        java.util.Objects.requireNonNull(type, "type");
    }

    public int length() {
        return end - start;
    }
}
