package dev.tracegate.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.jcs.JcsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * One line of {@code proofs.jsonl}: the inclusion proof of event {@code index} in the tree of
 * {@code tree_size} leaves, as JCS {@code {"hashes":[base64...],"index":i,"tree_size":n}}.
 */
public record ProofLine(long index, long treeSize, List<byte[]> hashes) {
    private static final Set<String> MEMBERS = Set.of("hashes", "index", "tree_size");
    private static final long MAX_EXACT_INTEGER = 1L << 53;

    public ProofLine {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("index " + index + " is not in a tree of size " + treeSize);
        }
        hashes = hashes.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> hashes() {
        return hashes.stream().map(byte[]::clone).toList();
    }

    /**
     * The JCS line. Written directly rather than through a JSON tree because bundles hold one per
     * event; the members are already in JCS order, integers below 2^53 print as plain digits and
     * base64 needs no escaping, so this is the canonical form (a test checks it against {@link Jcs}).
     */
    public byte[] toJson() {
        StringBuilder json = new StringBuilder(32 + hashes.size() * 47);
        json.append("{\"hashes\":[");
        for (int i = 0; i < hashes.size(); i++) {
            json.append(i == 0 ? "\"" : ",\"").append(Base64.getEncoder().encodeToString(hashes.get(i))).append('"');
        }
        json.append("],\"index\":").append(index).append(",\"tree_size\":").append(treeSize).append('}');
        return json.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses a line, requiring JCS form and exactly the three members. */
    public static ProofLine parse(byte[] line) {
        ProofLine quick = parseCanonicalShape(line);
        if (quick != null) {
            return quick;
        }
        JsonNode node = Jcs.requireCanonical(line);
        if (!node.isObject() || node.size() != MEMBERS.size() || !MEMBERS.stream().allMatch(node::has)) {
            throw new JcsException("a proof line must be an object with exactly hashes, index and tree_size");
        }
        long index = nonNegative(node.get("index"), "index");
        long treeSize = nonNegative(node.get("tree_size"), "tree_size");
        JsonNode array = node.get("hashes");
        if (!array.isArray()) {
            throw new JcsException("hashes must be an array");
        }
        List<byte[]> hashes = new ArrayList<>(array.size());
        for (JsonNode item : array) {
            hashes.add(hash(item));
        }
        if (index >= treeSize) {
            throw new JcsException("index " + index + " is not below tree_size " + treeSize);
        }
        return new ProofLine(index, treeSize, hashes);
    }

    /**
     * Reads a line that is exactly what {@link #toJson} writes, or returns null so the caller takes
     * the general JSON path, which also explains what is wrong. Scans bytes directly because a
     * bundle can hold a million of these lines.
     */
    private static ProofLine parseCanonicalShape(byte[] line) {
        int[] at = {0};
        if (!expect(line, at, HEAD)) {
            return null;
        }
        List<byte[]> hashes = new ArrayList<>(64);
        boolean more = at[0] < line.length && line[at[0]] == '"';
        while (more) {
            byte[] hash = canonicalBase64Hash(line, at);
            if (hash == null) {
                return null;
            }
            hashes.add(hash);
            more = at[0] < line.length && line[at[0]] == ',';
            if (more) {
                at[0]++;
            }
        }
        if (!expect(line, at, INDEX)) {
            return null;
        }
        long index = canonicalInteger(line, at);
        if (index < 0 || !expect(line, at, TREE_SIZE)) {
            return null;
        }
        long treeSize = canonicalInteger(line, at);
        if (treeSize < 0 || !expect(line, at, TAIL) || at[0] != line.length || index >= treeSize) {
            return null;
        }
        return new ProofLine(index, treeSize, hashes);
    }

    private static final byte[] HEAD = "{\"hashes\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INDEX = "],\"index\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TREE_SIZE = ",\"tree_size\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "}".getBytes(StandardCharsets.US_ASCII);
    private static final int HASH_BASE64_LENGTH = 44;
    private static final byte[] BASE64_VALUE = new byte[128];

    static {
        Arrays.fill(BASE64_VALUE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64_VALUE[alphabet.charAt(i)] = (byte) i;
        }
    }

    private static boolean expect(byte[] line, int[] at, byte[] literal) {
        if (!Arrays.equals(line, at[0], Math.min(at[0] + literal.length, line.length), literal, 0, literal.length)) {
            return false;
        }
        at[0] += literal.length;
        return true;
    }

    /** A quoted 44-character base64 string of 32 bytes in its only canonical spelling, or null. */
    private static byte[] canonicalBase64Hash(byte[] line, int[] at) {
        int start = at[0] + 1;
        int end = start + HASH_BASE64_LENGTH;
        if (end >= line.length || line[at[0]] != '"' || line[end] != '"' || line[end - 1] != '=') {
            return null;
        }
        int last = line[end - 2];
        if (last < 0 || BASE64_VALUE[last] < 0 || (BASE64_VALUE[last] & 0b11) != 0) {
            return null; // non-zero leftover bits would be a second spelling of the same bytes
        }
        byte[] hash = new byte[32];
        try {
            if (Base64.getDecoder().decode(Arrays.copyOfRange(line, start, end), hash) != 32) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        at[0] = end + 1;
        return hash;
    }

    /** Digits without a leading zero, at most 2^53 (so JCS prints them as they are), or -1. */
    private static long canonicalInteger(byte[] line, int[] at) {
        int start = at[0];
        long value = 0;
        int i = start;
        while (i < line.length && line[i] >= '0' && line[i] <= '9' && i - start < 17) {
            value = value * 10 + (line[i] - '0');
            i++;
        }
        if (i == start || (line[start] == '0' && i - start > 1) || value > MAX_EXACT_INTEGER
                || (i < line.length && line[i] >= '0' && line[i] <= '9')) {
            return -1;
        }
        at[0] = i;
        return value;
    }

    static long nonNegative(JsonNode node, String name) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new JcsException(name + " must be a non-negative integer");
        }
        return node.longValue();
    }

    static byte[] hash(JsonNode item) {
        if (!item.isTextual()) {
            throw new JcsException("proof hashes must be base64 strings");
        }
        byte[] hash;
        try {
            hash = Base64.getDecoder().decode(item.textValue());
        } catch (IllegalArgumentException e) {
            throw new JcsException("proof hash \"" + item.textValue() + "\" is not base64");
        }
        if (hash.length != 32 || !Base64.getEncoder().encodeToString(hash).equals(item.textValue())) {
            throw new JcsException("proof hash \"" + item.textValue() + "\" is not the canonical base64 of 32 bytes");
        }
        return hash;
    }
}
