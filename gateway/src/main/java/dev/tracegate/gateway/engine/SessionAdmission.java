package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.IdentityVerifier;
import java.net.InetAddress;
import java.time.Clock;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who may open a session, the same for every protocol: the transport rule (TLS, or cleartext
 * from this machine where a listener allows it) and the caller's credential turned into an
 * {@link Identity}, with one {@code auth.failure} event per refused credential (summarised under
 * floods by the evidence log's {@code AuthFailureRecorder}).
 */
public final class SessionAdmission {

    private final IdentityVerifier identities;
    private final EvidenceLog evidence;
    private final DelegatedCredentials delegated = new DelegatedCredentials(Clock.systemUTC());

    public SessionAdmission(IdentityVerifier identities, EvidenceLog evidence) {
        this.identities = identities;
        this.evidence = evidence;
    }

    /** Credentials one engine hands another's listener for a caller it admitted (MCP tool calls). */
    public DelegatedCredentials delegated() {
        return delegated;
    }

    /**
     * Why a connection may not go on, if it may not: tokens and held statements never cross a
     * network in the clear, so cleartext is for this machine only, and only where allowed.
     */
    public static Optional<String> transportRefusal(boolean secure, InetAddress remote, boolean cleartextOnLoopback) {
        if (secure || (cleartextOnLoopback && remote != null && remote.isLoopbackAddress())) {
            return Optional.empty();
        }
        return Optional.of("the gateway requires TLS");
    }

    /** {@link #transportRefusal(boolean, InetAddress, boolean)} for an address given as text. */
    public static Optional<String> transportRefusal(boolean secure, String remote, boolean cleartextOnLoopback) {
        return transportRefusal(secure, literal(remote), cleartextOnLoopback);
    }

    /**
     * The identity a credential proves; a refused one is recorded.
     *
     * @param refused what the evidence says of a refusal, given its reason
     */
    public Identity authenticate(String credential, Function<String, AuthFailure> refused) throws AuthenticationException {
        try {
            if (DelegatedCredentials.isDelegated(credential)) {
                return delegated.redeem(credential).orElseThrow(() ->
                        new AuthenticationException("delegated credential unknown, used or expired"));
            }
            return identities.verify(credential);
        } catch (AuthenticationException e) {
            evidence.authFailures().refused(refused.apply(e.getMessage()));
            throw e;
        }
    }

    /**
     * An IP address literal as an address; null for anything else. Only literal characters are
     * passed on, so no name is ever looked up: the check cannot be made slow from outside.
     */
    private static InetAddress literal(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        String bare = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        boolean ipv6 = bare.indexOf(':') >= 0;
        for (int i = 0; i < bare.length(); i++) {
            char c = bare.charAt(i);
            boolean allowed = ipv6 ? Character.digit(c, 16) >= 0 || c == '.' || c == ':' : (c >= '0' && c <= '9') || c == '.';
            if (!allowed) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
