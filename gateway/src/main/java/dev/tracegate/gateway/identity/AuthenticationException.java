package dev.tracegate.gateway.identity;

/**
 * A credential was refused. The message is safe to record and show: it names the reason,
 * never the credential.
 *
 * <p>Made without a stack trace: a refusal is an outcome, not a fault, and its reason is all any
 * caller reads. {@link CompositeIdentityVerifier} passes over a credential by catching one (every
 * gateway token, service-account key or OIDC token first misses the static keys), so every such
 * request walked its own stack, 60-odd frames of a virtual thread under Jetty, to fill a trace
 * nobody reads; and anyone could make the gateway do it at will with made-up credentials.
 */
public class AuthenticationException extends Exception {
    public AuthenticationException(String reason) {
        super(reason, null, false, false);
    }
}
