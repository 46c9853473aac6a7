package dev.tracegate.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.jcs.JcsException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * One line of {@code consistency.jsonl}: an earlier signed checkpoint of the same log and the RFC
 * 9162 consistency proof from its size to the bundle checkpoint's size, as JCS
 * {@code {"hashes":[base64...],"old_checkpoint":"<signed note>","tree_size":n}}.
 */
public record ConsistencyLine(String oldCheckpoint, long treeSize, List<byte[]> hashes) {
    private static final Set<String> MEMBERS = Set.of("hashes", "old_checkpoint", "tree_size");

    public ConsistencyLine {
        hashes = hashes.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> hashes() {
        return hashes.stream().map(byte[]::clone).toList();
    }

    public byte[] toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        var array = node.putArray("hashes");
        for (byte[] hash : hashes) {
            array.add(Base64.getEncoder().encodeToString(hash));
        }
        node.put("old_checkpoint", oldCheckpoint).put("tree_size", treeSize);
        return Jcs.canonicalize(node);
    }

    public static ConsistencyLine parse(byte[] line) {
        JsonNode node = Jcs.requireCanonical(line);
        if (!node.isObject() || node.size() != MEMBERS.size() || !MEMBERS.stream().allMatch(node::has)) {
            throw new JcsException("a consistency line must be an object with exactly hashes, old_checkpoint and tree_size");
        }
        if (!node.get("old_checkpoint").isTextual() || !node.get("hashes").isArray()) {
            throw new JcsException("old_checkpoint must be a string and hashes an array");
        }
        List<byte[]> hashes = new ArrayList<>();
        for (JsonNode item : node.get("hashes")) {
            hashes.add(ProofLine.hash(item));
        }
        return new ConsistencyLine(node.get("old_checkpoint").textValue(), ProofLine.nonNegative(node.get("tree_size"), "tree_size"),
                hashes);
    }
}
