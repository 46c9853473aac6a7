package dev.tracegate.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a presented credential, in hex: what the gateway keeps and looks up instead of
 * the credential itself (API keys, service-account secrets, verified tokens). Computed for every
 * HTTP request, so the digest is cloned from a prototype rather than looked up among the JDK's
 * providers each time.
 */
final class CredentialDigest {

    private static final MessageDigest PROTOTYPE = newSha256();

    private CredentialDigest() {
    }

    static String hex(String credential) {
        return HexFormat.of().formatHex(sha256().digest(credential.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is built into every JDK", e);
        }
    }
}
