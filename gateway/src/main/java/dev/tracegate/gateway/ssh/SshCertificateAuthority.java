package dev.tracegate.gateway.ssh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.identity.Identity;
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
 * signed), so the listener needs no lookup; a certificate cannot outlive the sign-in it came from.
 */
public final class SshCertificateAuthority {

    /** The certificate extension holding the caller's identity as JSON. */
    static final String IDENTITY_EXTENSION = "identity@tracegate.dev";
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
    public String issue(Identity identity, PublicKey publicKey, Instant notAfter) {
        try {
            OpenSshCertificate certificate = certificate(identity, publicKey, Instant.now().minusSeconds(60), notAfter);
            return PublicKeyEntry.toString(certificate) + " " + identity.name() + "@tracegate";
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign an SSH certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The identity a certificate presented at the listener stands for: only one this CA signed.
     * MINA has already checked that it is a user certificate, valid now, and that the caller
     * holds its private key.
     */
    Optional<Identity> identityOf(OpenSshCertificate certificate) {
        if (!KeyUtils.compareKeys(key.getPublic(), certificate.getCaPubKey())
                || certificate.getType() != OpenSshCertificate.Type.USER || !OpenSshCertificate.isValidNow(certificate)) {
            return Optional.empty();
        }
        String json = certificate.getExtensionsMap().get(IDENTITY_EXTENSION);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, Identity.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A signed user certificate for the identity, valid between the two instants. */
    OpenSshCertificate certificate(Identity identity, PublicKey publicKey, Instant validAfter, Instant validBefore)
            throws Exception {
        return OpenSshCertificateBuilder.userCertificate()
                .publicKey(publicKey)
                .serial(RANDOM.nextLong() & Long.MAX_VALUE)
                .id("tracegate:" + identity.issuer() + ":" + identity.subject())
                .principals(List.of(identity.name()))
                .validAfter(validAfter)
                .validBefore(validBefore)
                .extension("permit-pty", "")
                .extension(IDENTITY_EXTENSION, JSON.writeValueAsString(identity))
                .sign(key);
    }
}
