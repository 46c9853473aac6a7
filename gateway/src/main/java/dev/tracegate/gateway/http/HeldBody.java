package dev.tracegate.gateway.http;

import dev.tracegate.masking.Masker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The body of a request held for approval, read whole before approvers are asked: what they are
 * shown of it is what the target gets, byte for byte, since nothing more is read from the client
 * once they decide. Approvers see its size, its SHA-256 and its whole text as the evidence keeps it
 * (masked with the record profile), which {@link UnshownBody} makes sure they can read; the
 * {@code approval.requested} event records size and digest.
 *
 * @param bytes the whole body, never changed afterwards
 * @param text  the body as approvers read it, masked with the record profile; null when the profile withholds it
 */
record HeldBody(byte[] bytes, String text) {

    /** The body as read, with the text approvers read of it. */
    static HeldBody of(byte[] bytes, BodyMasking.Kind kind, Masker record) {
        if (bytes.length == 0) {
            return new HeldBody(bytes, "");
        }
        RecordMaskingMemory.Masked masked = ExchangeEvidence.recordMasked(record, BodyCapture.ofWhole(bytes, bytes.length),
                "request.body", kind);
        return new HeldBody(bytes, masked.bytes() == null ? null : new String(masked.bytes(), StandardCharsets.UTF_8));
    }

    /** The line the approval's record adds to the request line. */
    String recorded() {
        return "\nbody: " + bytes.length + " bytes, sha256 " + sha256();
    }

    /** What approvers are shown: the recorded line, then the whole body as the evidence keeps it. */
    String shown() {
        return text.isEmpty() ? recorded() : recorded() + "\n" + text;
    }

    private String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
