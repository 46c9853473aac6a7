package dev.tracegate.ledger.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 9162 section 2.1 hashing with SHA-256: domain-separated leaf and interior node hashes. */
public final class MerkleHashes {
    public static final int HASH_SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(MerkleHashes::newSha256);

    private MerkleHashes() {}

    /** SHA-256(0x00 || data): the hash of one leaf. */
    public static byte[] leafHash(byte[] data) {
        MessageDigest digest = SHA256.get();
        digest.update(LEAF_PREFIX);
        digest.update(data);
        return digest.digest();
    }

    /** SHA-256(0x00 || data[offset, offset + length)): the hash of one leaf held in part of a buffer. */
    public static byte[] leafHash(byte[] data, int offset, int length) {
        return leafHash(SHA256.get(), data, offset, length);
    }

    /**
     * As {@link #leafHash(byte[], int, int)}, with a SHA-256 digest the caller keeps (and uses from
     * one thread at a time): a thread-local one is made anew for every thread that asks, and a
     * server that runs each request on a virtual thread of its own would make one per request.
     */
    public static byte[] leafHash(MessageDigest sha256, byte[] data, int offset, int length) {
        sha256.update(LEAF_PREFIX);
        sha256.update(data, offset, length);
        return sha256.digest();
    }

    /** SHA-256(0x01 || left || right): the hash of an interior node. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = SHA256.get();
        digest.update(NODE_PREFIX);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }

    /** SHA-256 of the empty string: the root of a tree with no leaves. */
    public static byte[] emptyRoot() {
        return SHA256.get().digest(new byte[0]);
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }
}
