package dev.tracegate.gateway.identity;

/**
 * Whether the key a sign-in began with may still be used. A gateway token derived from a key is
 * only as good as the key: every use asks again, so revoking the key ends its tokens too.
 */
@FunctionalInterface
public interface ActiveKeys {

    /** Knows no key, so every token that names one is refused (fail closed). */
    ActiveKeys NONE = key -> {
        throw new AuthenticationException("the key this token was derived from cannot be checked here");
    };

    /**
     * @throws AuthenticationException when the key is revoked, expired, or no longer known
     */
    void requireActive(CredentialRef key) throws AuthenticationException;
}
