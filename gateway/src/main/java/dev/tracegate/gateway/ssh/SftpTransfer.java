package dev.tracegate.gateway.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One file opened through sftp: what was moved through its handle, hashed in file order. Data at
 * another offset than the next one (a client reading or writing out of order, several requests
 * in flight answered out of order) cannot be hashed as the file's content, and the evidence says so.
 */
final class SftpTransfer {

    private final long sequence;
    private final String operation;
    private final String path;
    private final MessageDigest sha256;
    private long bytes;
    private long next;
    private boolean inOrder = true;

    SftpTransfer(long sequence, String operation, String path) {
        this.sequence = sequence;
        this.operation = operation;
        this.path = path;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized void data(long offset, byte[] data, int from, int length) {
        if (offset != next) {
            inOrder = false;
        }
        sha256.update(data, from, length);
        bytes += length;
        next = offset + length;
    }

    long sequence() {
        return sequence;
    }

    String path() {
        return path;
    }

    /** {@code write /home/app/x.txt}, as the result's tags say it. */
    String description() {
        return operation + " " + path;
    }

    synchronized long bytes() {
        return bytes;
    }

    /** {@code sha256:<hex>} of the content moved, or why there is none. */
    synchronized String digest() {
        return inOrder ? "sha256:" + HexFormat.of().formatHex(sha256.digest()) : "sha256: not computed (out-of-order data)";
    }
}
