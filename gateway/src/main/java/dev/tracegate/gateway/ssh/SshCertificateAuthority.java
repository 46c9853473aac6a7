package dev.tracegate.gateway.ssh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The gateway's SSH certificate authority: it signs short-lived OpenSSH user certificates for
 * callers already signed in to the gateway ({@code tracegate ssh login}), and recognises them
 * at the SSH listener. The caller's identity travels in the certificate (an extension the CA
 * signed), so the listener needs no lookup; a certificate cannot outlive the sign-in it came from,
 * and one whose sign-in began with a key names that key, which the listener checks on every use as
 * it does for gateway tokens: revoking the key ends its certificates too.
 *
 * <p>The certificate's principal is {@code tracegate:<issuer>:<subject>}, never the caller's name:
 * names are whatever a user typed into their profile, and a principal is what an OpenSSH server
 * that trusts this CA would log a certificate in as ({@code root}, {@code deploy}).
 */
public final class SshCertificateAuthority {

    /** The certificate extension holding the caller's identity as JSON. */
    static final String IDENTITY_EXTENSION = "identity@tracegate.dev";
    /**
     * The certificate extension naming the key the sign-in began with ({@link CredentialRef#toClaim()}),
     * empty for a sign-in without one. A certificate without it comes from before keys were carried and
     * is refused: it might stand for a key revoked since.
     */
    static final String KEY_EXTENSION = "key@tracegate.dev";
    /**
     * The certificate extension naming the console session the certificate was signed through (its
     * reference in the store, never the cookie), present only then: the certificate is refused once
     * that session has signed out or ended, as a gateway token issued through it is.
     */
    static final String CONSOLE_EXTENSION = "console@tracegate.dev";
    public static final Duration MAX_LIFETIME = Duration.ofHours(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair key;

    private SshCertificateAuthority(KeyPair key) {
        this.key = key;
    }

    /** The CA key under {@code dataDir/ssh/ca_key}, generated (owner-only) on first use. */
    public static synchronized SshCertificateAuthority open(Path dataDir) {
        try {
            Path dir = Files.createDirectories(dataDir.resolve("ssh"));
            SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(dir.resolve("ca_key"));
            provider.setAlgorithm(KeyUtils.EC_ALGORITHM);
            provider.setKeySize(256);
            return new SshCertificateAuthority(provider.loadKeys(null).iterator().next());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the SSH certificate authority's key", e);
        }
    }

    /** The CA's public key line, for {@code TrustedUserCAKeys} elsewhere and for documentation. */
    public String publicKeyLine() {
        return PublicKeyEntry.toString(key.getPublic());
    }

    /**
     * A user certificate for {@code publicKey}, valid from a minute ago (clock skew) until {@code notAfter}.
     *
     * @return the certificate as an OpenSSH {@code -cert.pub} line
     */
    public String issue(SignIn signIn, PublicKey publicKey, Instant notAfter) {
        return issue(signIn.identity(), signIn.key(), signIn.console(), publicKey, notAfter);
    }

    /**
     * A certificate for an identity the caller vouches for itself (the demo's analyst), derived from
     * {@code signInKey} if not null.
     */
    public String issue(Identity identity, CredentialRef signInKey, PublicKey publicKey, Instant notAfter) {
        return issue(identity, signInKey, null, publicKey, notAfter);
    }

    private String issue(Identity identity, CredentialRef signInKey, CredentialRef console, PublicKey publicKey,
                         Instant notAfter) {
        try {
            OpenSshCertificate certificate = certificate(identity, signInKey, console, publicKey,
                    Instant.now().minusSeconds(60), notAfter);
            return PublicKeyEntry.toString(certificate) + " " + principal(identity);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign an SSH certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The identity a certificate presented at the listener stands for: only one this CA signed.
     * MINA has already checked that it is a user certificate, valid now, and that the caller
     * holds its private key.
     */
    Optional<CertifiedCaller> callerOf(OpenSshCertificate certificate) {
        if (!KeyUtils.compareKeys(key.getPublic(), certificate.getCaPubKey())
                || certificate.getType() != OpenSshCertificate.Type.USER || !OpenSshCertificate.isValidNow(certificate)) {
            return Optional.empty();
        }
        String json = certificate.getExtensionsMap().get(IDENTITY_EXTENSION);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CertifiedCaller(JSON.readValue(json, Identity.class),
                    Optional.ofNullable(certificate.getExtensionsMap().get(KEY_EXTENSION)),
                    Optional.ofNullable(certificate.getExtensionsMap().get(CONSOLE_EXTENSION))));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /**
     * A signed user certificate for the identity, valid between the two instants.
     *
     * @param signInKey the key the sign-in began with, or null
     */
    OpenSshCertificate certificate(Identity identity, CredentialRef signInKey, PublicKey publicKey, Instant validAfter,
                                   Instant validBefore) throws Exception {
        return certificate(identity, signInKey, null, publicKey, validAfter, validBefore);
    }

    /** @param console the console session the sign-in was carried through, or null */
    private OpenSshCertificate certificate(Identity identity, CredentialRef signInKey, CredentialRef console,
                                           PublicKey publicKey, Instant validAfter, Instant validBefore) throws Exception {
        OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.userCertificate()
                .publicKey(publicKey)
                .serial(RANDOM.nextLong() & Long.MAX_VALUE)
                .id(principal(identity))
                .principals(List.of(principal(identity)))
                .validAfter(validAfter)
                .validBefore(validBefore)
                .extension("permit-pty", "")
                .extension(IDENTITY_EXTENSION, JSON.writeValueAsString(identity))
                .extension(KEY_EXTENSION, signInKey == null ? "" : signInKey.toClaim());
        if (console != null) {
            builder.extension(CONSOLE_EXTENSION, console.id());
        }
        return builder.sign(key);
    }

    /** Who the certificate is for, as no user can spell it: issuer and subject, not the display name. */
    public static String principal(Identity identity) {
        return "tracegate:" + identity.issuer() + ":" + identity.subject();
    }
}
