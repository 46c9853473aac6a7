package dev.tracegate.gateway.identity;

/**
 * Whether a sign-in kept beyond one request (a console session, {@link CredentialRef#CONSOLE_SESSION})
 * is still signed in. What keeps such sessions implements it; identity only asks, so the dependency
 * points one way: the console depends on identity, not identity on the console.
 */
@FunctionalInterface
public interface SignedInSessions {

    /**
     * @param session a reference of type {@link CredentialRef#CONSOLE_SESSION}
     * @throws AuthenticationException when it has signed out or ended, or that cannot be checked now
     */
    void requireSignedIn(CredentialRef session) throws AuthenticationException;
}
