package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.ActiveKeys;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.SignIn;
import java.time.Instant;

/**
 * Whether an approver's sign-in still vouches for them. An approver is one through the groups of
 * the sign-in they acted with; once it has ended (an OIDC token's expiry, a console session's end)
 * or its key was revoked (a service-account key, an API key no longer configured or given a new
 * value), nothing vouches that they still hold the group: the identity provider or the
 * configuration may have taken it away. What they gave through it, a vote or a grant, then stands
 * no more. A console session ends before its time when its approver signs out: what they gave
 * through it lapses then too ({@code activeKeys} knows console sessions).
 */
final class SignInStanding {

    private SignInStanding() {
    }

    /**
     * Why what was given with this sign-in no longer stands at {@code now}, or null while it does.
     *
     * @param given how the reason names the giving: "cast" for a vote, "given" for a grant
     */
    static String lapse(SignIn signIn, Instant now, ActiveKeys activeKeys, String given) {
        if (signIn == null) {
            return given + " before the gateway kept the sign-in it was " + given + " with";
        }
        if (!now.isBefore(signIn.notAfter())) {
            return "the sign-in it was " + given + " with ended at " + signIn.notAfter();
        }
        // Through a console session, or with a gateway token issued through one.
        if (signIn.console() != null) {
            try {
                activeKeys.requireActive(signIn.console());
            } catch (AuthenticationException e) {
                return "the console session it was " + given + " in no longer stands: " + e.getMessage();
            }
        }
        if (signIn.key() == null) {
            return null;
        }
        try {
            activeKeys.requireActive(signIn.key());
            return null;
        } catch (AuthenticationException e) {
            return "the key it was " + given + " with is no longer active: " + e.getMessage();
        }
    }
}
