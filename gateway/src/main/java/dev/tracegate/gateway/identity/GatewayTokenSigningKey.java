package dev.tracegate.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Map;

/**
 * The gateway's own Ed25519 key for its tokens. Configured by reference (PKCS#8 PEM, as
 * {@code openssl genpkey -algorithm ed25519} writes it), or generated on first start under
 * {@code <dataDir>/keys/} and kept there. Its key id is the RFC 7638 thumbprint of the public key,
 * so every node sharing the key names it the same way.
 */
public final class GatewayTokenSigningKey {

    static final String GENERATED_FILE = "gateway-token-key.pem";

    private final KeyPair pair;
    private final OctetKeyPair publicJwk;

    private GatewayTokenSigningKey(KeyPair pair) {
        this.pair = pair;
        OctetKeyPair unnamed = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519Keys.rawPublicKey(pair.getPublic())))
                .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.EdDSA).build();
        try {
            this.publicJwk = new OctetKeyPair.Builder(unnamed).keyID(unnamed.computeThumbprint().toString()).build();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is built into every JDK", e);
        }
    }

    /** The configured key, or the one generated under {@code dataDir} (created on first call). */
    public static GatewayTokenSigningKey load(GatewayTokensConfig config, Path dataDir) {
        if (config.signingKey() != null) {
            try {
                return fromPem(config.signingKey().resolve());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("identities.gatewayTokens.signingKey (" + config.signingKey() + "): " + e.getMessage());
            }
        }
        Path file = dataDir.resolve("keys").resolve(GENERATED_FILE);
        try {
            if (Files.exists(file)) {
                return fromPem(Files.readString(file, StandardCharsets.UTF_8));
            }
            GatewayTokenSigningKey key = generate();
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(GENERATED_FILE + ".tmp");
            Files.writeString(temporary, Ed25519Keys.toPem(key.pair.getPrivate()), StandardCharsets.US_ASCII);
            restrictToOwner(temporary);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the gateway token key in " + file, e);
        }
    }

    public static GatewayTokenSigningKey generate() {
        return new GatewayTokenSigningKey(Ed25519Keys.generate());
    }

    public static GatewayTokenSigningKey fromPem(String pem) {
        return new GatewayTokenSigningKey(Ed25519Keys.fromPem(pem));
    }

    public String keyId() {
        return publicJwk.getKeyID();
    }

    /** The public key set, for a {@code jwks_uri} others may verify gateway tokens with. */
    public Map<String, Object> publicJwks() {
        return new JWKSet(publicJwk).toJSONObject(true);
    }

    Ed25519JwsSigner signer() {
        return new Ed25519JwsSigner(pair.getPrivate());
    }

    Ed25519JwsVerifier verifier() {
        return new Ed25519JwsVerifier(pair.getPublic());
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system; the data directory's own permissions apply.
        }
    }

    @Override
    public String toString() {
        return "GatewayTokenSigningKey[" + keyId() + "]";
    }
}
