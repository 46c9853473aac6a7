package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a protocol adds to one {@code command} event's detail (an HTTP request's client address,
 * TLS and headers), written by {@link CommandEventDetail} straight as canonical members among the
 * command's own, so that no JSON tree is built per request only to be sorted and walked.
 */
public interface ProtocolDetail {

    /** The member names, in UTF-16 order (RFC 8785's). */
    List<String> names();

    /**
     * Appends the canonical value of member {@code name}.
     *
     * @throws dev.tracegate.ledger.jcs.JcsException for a value canonical JSON cannot hold (the
     *                                               detail then goes the tree's way)
     */
    void appendCanonical(String name, StringBuilder out);

    /** The same members as a tree: the form the canonical text must always equal. */
    ObjectNode tree();
}
