package dev.tracegate.gateway.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.SourceAddress;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.IdentityVerifier;
import dev.tracegate.gateway.identity.KeyRevocations;
import dev.tracegate.gateway.identity.SignIn;
import java.net.InetAddress;
import java.time.Clock;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who may open a session, the same for every protocol: the transport rule (TLS, or cleartext
 * from this machine where a listener allows it); the caller's credential turned into an
 * {@link Identity}, with one {@code auth.failure} event per refused credential (summarised under
 * floods by the evidence log's {@code AuthFailureRecorder}) and refusals answered late once an
 * address has had too many; and the {@link CallerLimits} on the sessions one identity and one
 * address hold and open, each refusal a {@code session.refused} event.
 */
public final class SessionAdmission {

    private final IdentityVerifier identities;
    private final KeyRevocations revocations;
    private final EvidenceLog evidence;
    private final CallerLimits limits;
    private final CallerSessions sessions;
    private final FailedLogins failedLogins;
    private final SessionMemory memory;
    private final SessionThreads threads;
    private final DelegatedCredentials delegated = new DelegatedCredentials(Clock.systemUTC());

    /** @param revocations how a session checks, before each command, that the key it signed in with still stands */
    public SessionAdmission(IdentityVerifier identities, KeyRevocations revocations, EvidenceLog evidence,
                            CallerLimits limits) {
        this.identities = identities;
        this.revocations = revocations;
        this.evidence = evidence;
        this.limits = limits;
        this.sessions = new CallerSessions(limits, System::nanoTime);
        this.failedLogins = new FailedLogins(limits.failedLoginsPerSourcePerMinute(), limits.failedLoginDelayMillis(),
                System::nanoTime);
        this.memory = SessionMemory.ofThisJvm(limits, evidence);
        this.threads = new SessionThreads(limits.platformThreadSessions());
    }

    /** The threads signed-in sessions relay on, gateway-wide. */
    public SessionThreads threads() {
        return threads;
    }

    /** The heap sessions share, gateway-wide: every listener's sessions take their places here. */
    public SessionMemory memory() {
        return memory;
    }

    /** The limits per caller, for what each engine enforces itself (how long a session may be idle). */
    public CallerLimits limits() {
        return limits;
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
        return signIn(credential, refused).identity();
    }

    /**
     * The caller a credential proves, with the key its sign-in began with and the sign-in's end: a
     * session keeps both and the {@link CommandGate} asks before each command whether they still
     * stand, so revoking the key ends sessions already open, not only the next sign-in, and no
     * session acts on its groups past the sign-in's end.
     *
     * @param refused what the evidence says of a refusal, given its reason
     */
    public SignedInCaller signIn(String credential, Function<String, AuthFailure> refused) throws AuthenticationException {
        try {
            if (DelegatedCredentials.isDelegated(credential)) {
                return delegated.redeem(credential).orElseThrow(() ->
                        new AuthenticationException("delegated credential unknown, used or expired"));
            }
            SignIn signIn = identities.signIn(credential);
            return new SignedInCaller(signIn.identity(), revocations.of(signIn));
        } catch (AuthenticationException e) {
            refuse(refused.apply(e.getMessage()));
            throw e;
        }
    }

    /** A session's caller from a sign-in verified elsewhere (a service account's SSH key). */
    public SignedInCaller signedIn(SignIn signIn) {
        return new SignedInCaller(signIn.identity(), revocations.of(signIn));
    }

    /**
     * A session's caller from a credential derived from a sign-in and verified elsewhere (an SSH
     * certificate), which names the key that sign-in began with, or null for none, the console
     * session it was issued through, or null for none, and ends at {@code endsAt} (null: no end of
     * its own). The session keeps asking about both, so revoking the key or signing out of the
     * console ends it while it runs, not only the next sign-in.
     */
    public SignedInCaller signedIn(Identity identity, CredentialRef key, CredentialRef console, Instant endsAt) {
        return new SignedInCaller(identity, revocations.of(identity, key, console, endsAt));
    }

    /**
     * Records a credential refused outside {@link #authenticate} (a bearer token at the REST API,
     * a console sign-in, a token exchange) and answers it as late as one refused at a listener:
     * all of them draw on the same allowance per address.
     *
     * @return how long the refusal was held back, in milliseconds: 0 within the allowance
     */
    public long refuse(AuthFailure failure) {
        evidence.authFailures().refused(failure);
        long delay = failedLogins.refusedDelayMillis(failure.source());
        answerLate(delay);
        return delay;
    }

    /** What the answer to a refusal held back {@code delayMillis} adds to its reason, over HTTP. */
    public static String pastAllowance(long delayMillis) {
        return "; too many refused credentials from your address this minute"
                + " (limits.failedLoginsPerSourcePerMinute): each further one is answered after " + delayMillis + " ms";
    }

    /** The Retry-After of an HTTP answer held back {@code delayMillis}: whole seconds, at least 1. */
    public static long retryAfterSeconds(long delayMillis) {
        return Math.max(1, (delayMillis + 999) / 1000);
    }

    private static void answerLate(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A place for a session of {@code identity} from {@code source}, within the limits per identity
     * and per address; a refusal is recorded as {@code session.refused} and its message says which
     * limit and what to do.
     *
     * @param resource the connection the session was for
     */
    public SessionPlace admit(Identity identity, SourceAddress source, EvidenceEvent.Resource resource)
            throws LimitReachedException {
        try {
            return sessions.open(identity, source);
        } catch (LimitReachedException e) {
            ObjectNode detail = EvidenceEvent.newDetail();
            detail.put("limit", e.limit());
            detail.put("reason", e.getMessage());
            if (source != null) {
                detail.put("source", source.toString());
            }
            evidence.append(new EvidenceEvent(Instant.now(), EventType.SESSION_REFUSED, identity, null, null, resource, detail));
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
