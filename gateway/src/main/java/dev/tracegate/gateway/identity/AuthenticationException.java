package dev.tracegate.gateway.identity;

/**
 * A credential was refused. The message is safe to record and show: it names the reason,
 * never the credential.
 */
public class AuthenticationException extends Exception {
    public AuthenticationException(String reason) {
        super(reason);
    }
}
