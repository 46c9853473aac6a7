package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An event's detail written straight as its RFC 8785 canonical text, for the events of every
 * statement (a {@code command.result}), so that no JSON tree is built, sorted and walked for
 * them: the leaf takes the text as it is ({@link LeafEncoding}). Whoever wants the detail as a
 * tree (an observer such as the SIEM forwarder) gets it parsed from the text on first use; the
 * tree holds the same members and values, so its canonical form is the text again.
 *
 * <p>The writer guarantees the text is canonical (members in UTF-16 order, strings escaped as
 * {@code Jcs} escapes them, integers within IEEE-754's exact range); ResultEventDetailTest holds
 * it to {@code Jcs.canonicalString} of the tree it replaces.
 */
public final class CanonicalDetail {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String text;
    private volatile ObjectNode tree;

    private CanonicalDetail(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    /** @param canonicalObject a JSON object in RFC 8785 canonical form */
    public static CanonicalDetail of(String canonicalObject) {
        return new CanonicalDetail(canonicalObject);
    }

    /** The canonical text. */
    public String text() {
        return text;
    }

    /** The detail as a tree, parsed once from the text. */
    ObjectNode tree() {
        ObjectNode parsed = tree;
        if (parsed == null) {
            try {
                parsed = (ObjectNode) JSON.readTree(text);
            } catch (JsonProcessingException | ClassCastException e) {
                throw new IllegalStateException("an event's canonical detail is not a JSON object", e);
            }
            tree = parsed;
        }
        return parsed;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CanonicalDetail detail && detail.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
