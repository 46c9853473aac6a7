package dev.tracegate.masking;

/**
 * One span {@code [start, end)} of an original value that masking replaces, what it holds, and the
 * text that takes its place. Recorders that must say where a value changed (the evidence keeps a
 * keyed hash of each replaced original) ask for replacements instead of a finished value.
 *
 * @param entity the report's label: EMAIL, CARD, CUSTOM:employee_id, or a fallback reason such as OVERSIZED
 * @param text   the replacement; never {@code null} (a nullifying strategy gives the entity's placeholder,
 *               {@code [EMAIL]}, since a span of a text cannot become NULL)
 */
public record Replacement(int start, int end, String entity, String text) {

    public Replacement {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("negative span [" + start + ", " + end + ")");
        }
        java.util.Objects.requireNonNull(entity, "entity");
        java.util.Objects.requireNonNull(text, "text");
    }

    /** The placeholder a replacement uses when its strategy gives nothing: {@code [EMAIL]}, {@code [CUSTOM:x]}. */
    public static String placeholder(String entity) {
        return "[" + entity + "]";
    }

    /** The same replacement, {@code offset} characters further into an enclosing text. */
    public Replacement shifted(int offset) {
        return new Replacement(start + offset, end + offset, entity, text);
    }
}
