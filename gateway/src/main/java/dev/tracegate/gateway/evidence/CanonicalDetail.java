package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.jcs.Jcs;
import java.util.Objects;

/**
 * An event's detail written straight as its RFC 8785 canonical text, for the events of every
 * statement (a {@code command} and its {@code command.result}), so that no JSON tree is built,
 * sorted and walked for them: the leaf takes the text as it is ({@link LeafEncoding}). Whoever
 * wants the detail as a tree (an observer such as the SIEM forwarder) gets it parsed from the
 * text on first use; the tree holds the same members and values, so its canonical form is the
 * text again.
 *
 * <p>The writer guarantees the text is canonical (members in UTF-16 order, strings escaped as
 * {@code Jcs} escapes them, integers within IEEE-754's exact range); CommandEventDetailTest and
 * ResultEventDetailTest hold it to {@code Jcs.canonicalString} of the tree it replaces.
 */
public final class CanonicalDetail {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The largest integer every integer up to which canonical JSON writes as its plain digits. */
    private static final long MAX_EXACT_INTEGER = 1L << 53;

    /**
     * The text as its writer left it: the writer's own builder, handed over and never touched
     * again, so the leaf copies from it and no string is made on the way (one per statement's
     * two events).
     */
    private final CharSequence text;
    /** One top-level string member handed over as a value too (or {@code null}): see {@link #of(CharSequence, String, String)}. */
    private final String knownName;
    private final String knownValue;
    private volatile ObjectNode tree;

    private CanonicalDetail(CharSequence text, String knownName, String knownValue) {
        this.text = Objects.requireNonNull(text, "text");
        this.knownName = knownName;
        this.knownValue = knownValue;
    }

    /**
     * @param canonicalObject a JSON object in RFC 8785 canonical form; a builder is taken as it is
     *                        and must not change afterwards
     */
    public static CanonicalDetail of(CharSequence canonicalObject) {
        return new CanonicalDetail(canonicalObject, null, null);
    }

    /**
     * As {@link #of(CharSequence)}, with one of the object's top-level members also given as a
     * value, for an observer that reads that member from every such event (the metrics count
     * commands by their class, and masked values by a {@code masking.applied}'s count) without
     * parsing the text for it.
     *
     * @param value the member's value as {@link #string} reads it (a string as it is, a number as its
     *              digits), or {@code null} when the object has no such member
     */
    public static CanonicalDetail of(CharSequence canonicalObject, String name, String value) {
        return new CanonicalDetail(canonicalObject, Objects.requireNonNull(name, "name"), value);
    }

    /**
     * A top-level member's value as text (a number as its digits), or {@code null} when there is none
     * (as {@code tree().path(name).asText(null)} reads it); the member given as a value costs nothing.
     */
    public String string(String name) {
        return name.equals(knownName) ? knownValue : tree().path(name).asText(null);
    }

    /** Whether canonical JSON writes {@code value} as its plain digits (within IEEE-754's exact range). */
    public static boolean exactInteger(long value) {
        return value >= -MAX_EXACT_INTEGER && value <= MAX_EXACT_INTEGER;
    }

    /**
     * Appends a string member's canonical value, {@code null} as a tree holds a missing one.
     *
     * @throws dev.tracegate.ledger.jcs.JcsException for a text canonical JSON cannot hold (an
     *         unpaired surrogate): the writer then takes the tree's way, so it fails where it did
     */
    public static void appendString(String value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else {
            Jcs.appendCanonical(value, out);
        }
    }

    /** The canonical text. */
    public String text() {
        return text.toString();
    }

    /** Appends the canonical text to {@code out} (the leaf), without making a string of it. */
    void appendTo(StringBuilder out) {
        out.append(text);
    }

    /** The detail as a tree, parsed once from the text. */
    ObjectNode tree() {
        ObjectNode parsed = tree;
        if (parsed == null) {
            try {
                parsed = (ObjectNode) JSON.readTree(text());
            } catch (JsonProcessingException | ClassCastException e) {
                throw new IllegalStateException("an event's canonical detail is not a JSON object", e);
            }
            tree = parsed;
        }
        return parsed;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CanonicalDetail detail && detail.text().equals(text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return text();
    }
}
