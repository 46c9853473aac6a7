package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.engine.SignedInCaller;
import dev.tracegate.gateway.identity.AuthenticationException;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Keyboard-interactive sign-in with a gateway credential (a gateway token, a service-account key,
 * an API key or an OIDC token: whatever the {@code IdentityVerifier} accepts), for the connection
 * the SSH user name names. A refused credential is an {@code auth.failure} (through
 * {@link SessionAdmission}).
 */
final class GatewayTokenChallenge implements KeyboardInteractiveAuthenticator {

    static final String PROMPT = "Tracegate token: ";

    private final SessionAdmission admission;
    private final CallerSignIn signIn;

    GatewayTokenChallenge(SessionAdmission admission, CallerSignIn signIn) {
        this.admission = admission;
        this.signIn = signIn;
    }

    @Override
    public InteractiveChallenge generateChallenge(ServerSession session, String username, String lang, String subMethods) {
        InteractiveChallenge challenge = new InteractiveChallenge();
        challenge.setInteractionName("Tracegate");
        challenge.setInteractionInstruction("");
        challenge.addPrompt(PROMPT, false);
        return challenge;
    }

    @Override
    public boolean authenticate(ServerSession session, String username, List<String> responses) {
        Optional<SshConnectionConfig> connection = signIn.connection(username);
        if (responses.size() != 1 || connection.isEmpty()) {
            return false;
        }
        try {
            SignedInCaller caller = admission.signIn(responses.getFirst().strip(),
                    reason -> signIn.failure(session, connection.get().name(), reason));
            signIn.proved(session, caller, connection.get(), "keyboard-interactive");
            return true;
        } catch (AuthenticationException e) {
            return false;
        }
    }
}
