package dev.tracegate.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names the value of a static API key a sign-in began with, without revealing it. A gateway token,
 * console session or SSH certificate derived from a static key names the key as
 * {@code api-key:<name>.<version>}, the version being the key's value under HMAC-SHA256 with a
 * secret every node shares (derived from the masking hash key, which nodes share already), cut to
 * 64 bits. Replacing a leaked key's value in the configuration then ends everything derived from the
 * old value, not only what a removed name would end; and since the HMAC is keyed, a weak static key
 * cannot be confirmed offline from the evidence that records its version by anyone without that key.
 *
 * <p>The version covers what the configuration gives the key as well (its groups, kind and email):
 * a gateway token carries its groups, and an approver's vote or grant stands on the groups they
 * signed in with, so taking a key out of a group (an approver who left the DBAs) must end what was
 * derived from it under the old groups, as replacing its value does.
 */
public final class StaticKeyVersions {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int VERSION_BYTES = 8;

    private final SecretKeySpec secret;

    /** @param secret the same on every node sharing a store */
    public StaticKeyVersions(byte[] secret) {
        this.secret = new SecretKeySpec(secret, ALGORITHM);
    }

    /** Versions only this verifier recognises: for a verifier whose derived credentials no other node checks. */
    static StaticKeyVersions ofThisProcess() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new StaticKeyVersions(secret);
    }

    /** The key's name with the version of its value and of what it gives {@code identity}, as a {@link CredentialRef} id. */
    String of(String name, String value, Identity identity) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            mac.update(value.getBytes(StandardCharsets.UTF_8));
            // NUL separates: no configured value, group, kind or email holds one.
            mac.update(("\0" + String.join("\0", identity.groups().stream().sorted().toList()) + "\0\0" + identity.kind() + "\0"
                    + (identity.email() == null ? "" : identity.email())).getBytes(StandardCharsets.UTF_8));
            byte[] digest = mac.doFinal();
            return name + "." + HexFormat.of().formatHex(Arrays.copyOf(digest, VERSION_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is built into every JDK", e);
        }
    }
}
