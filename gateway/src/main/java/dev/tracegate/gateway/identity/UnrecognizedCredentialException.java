package dev.tracegate.gateway.identity;

/**
 * The credential is not of the kind this verifier handles (not a JWT, not a service-account key,
 * another issuer's token), so it says nothing about whether the credential is valid.
 * {@link CompositeIdentityVerifier} then asks the next verifier.
 */
public class UnrecognizedCredentialException extends AuthenticationException {
    public UnrecognizedCredentialException(String reason) {
        super(reason);
    }
}
