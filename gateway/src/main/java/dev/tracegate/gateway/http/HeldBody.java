package dev.tracegate.gateway.http;

import dev.tracegate.masking.Masker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The body of a request held for approval, read whole before approvers are asked: what they are
 * shown of it is what the target gets, byte for byte, since nothing more is read from the client
 * once they decide. Approvers see its size, its SHA-256 and its start as the evidence keeps it
 * (masked with the record profile); the {@code approval.requested} event records size and digest.
 *
 * @param bytes the whole body, never changed afterwards
 * @param kind  how its content type says it reads (a form is masked field by field, an event stream event by event)
 */
record HeldBody(byte[] bytes, BodyMasking.Kind kind) {

    /** How much of the masked body approvers are shown. */
    static final int SHOWN_CHARS = 2_000;

    /** The line the approval's record adds to the request line. */
    String recorded() {
        return "\nbody: " + bytes.length + " bytes, sha256 " + sha256();
    }

    /** What approvers are shown: the recorded line, then the body's start as the evidence keeps it. */
    String shown(Masker record) {
        if (bytes.length == 0) {
            return recorded();
        }
        RecordMaskingMemory.Masked masked = ExchangeEvidence.recordMasked(record, BodyCapture.ofWhole(bytes, bytes.length),
                "request.body", kind);
        String text = masked.bytes() == null ? "(withheld)" : new String(masked.bytes(), StandardCharsets.UTF_8);
        return recorded() + "\n" + (text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + " ...");
    }

    private String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
