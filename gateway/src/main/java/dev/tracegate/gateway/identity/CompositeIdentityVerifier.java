package dev.tracegate.gateway.identity;

import java.util.List;
import java.util.Objects;

/**
 * The one {@link IdentityVerifier} listeners use: static keys first, then verifiers that recognise
 * their credentials by shape (service-account keys by prefix, gateway tokens and OIDC tokens as
 * JWTs, by issuer).
 *
 * <p>Static keys come first because they have no fixed shape, and their lookup is a hash-map hit
 * that touches nothing else. A miss there is not a verdict. A shaped verifier that does not
 * recognise the credential throws {@link UnrecognizedCredentialException} and the next one is
 * asked; the first one that does recognise it decides, so the caller sees its specific reason
 * ("token expired", "audience not accepted") rather than a generic one.
 */
public final class CompositeIdentityVerifier implements IdentityVerifier {

    static final String UNKNOWN = "unknown or revoked key";

    private final IdentityVerifier staticKeys;
    private final List<IdentityVerifier> shaped;

    /**
     * @param staticKeys keys from the configuration (an {@link ApiKeyVerifier}); any failure counts as a miss
     * @param shaped     verifiers tried in order, e.g. service-account keys, gateway tokens, OIDC
     */
    public CompositeIdentityVerifier(IdentityVerifier staticKeys, List<IdentityVerifier> shaped) {
        this.staticKeys = Objects.requireNonNull(staticKeys, "staticKeys");
        this.shaped = List.copyOf(shaped);
    }

    @Override
    public SignIn signIn(String credential) throws AuthenticationException {
        if (credential == null || credential.isEmpty()) {
            throw new AuthenticationException("no credential presented");
        }
        try {
            return staticKeys.signIn(credential);
        } catch (AuthenticationException miss) {
            // Not a configured key; the shaped verifiers may know it.
        }
        for (IdentityVerifier verifier : shaped) {
            try {
                return verifier.signIn(credential);
            } catch (UnrecognizedCredentialException notMine) {
                // Next verifier.
            }
        }
        throw new AuthenticationException(UNKNOWN);
    }
}
