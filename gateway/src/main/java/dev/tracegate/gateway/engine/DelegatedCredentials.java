package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SessionKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time credentials an engine hands to another engine's listener for a caller it has already
 * admitted: the MCP engine runs a tool's SQL through the PostgreSQL listener and its HTTP
 * requests through the HTTP gateway, so that they take the one enforcement path every client
 * takes, as the same identity. A credential is 256 random bits, accepted once, within seconds,
 * and never leaves the process (it travels over TLS on loopback).
 *
 * <p>It carries the key the caller signed in with ({@link SessionKey}), so the listener's session
 * asks before each command whether that key still stands, as it would for the caller's own
 * connection: a statement an agent's call left waiting for approvers does not run once approved
 * if the agent's key was revoked meanwhile.
 */
public final class DelegatedCredentials {

    /** Marks a delegated credential, so it is never offered to the other verifiers. */
    static final String PREFIX = "tgdelegated_";
    private static final Duration LIFETIME = Duration.ofSeconds(30);

    private record Delegation(SignedInCaller caller, Instant expires) {
    }

    private final Map<String, Delegation> issued = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public DelegatedCredentials(Clock clock) {
        this.clock = clock;
    }

    /** A credential that signs in as {@code identity}, with the key it signed in with, once, within {@link #LIFETIME}. */
    public String issue(Identity identity, SessionKey key) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String credential = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        issued.values().removeIf(d -> d.expires().isBefore(now));
        issued.put(credential, new Delegation(new SignedInCaller(identity, key), now.plus(LIFETIME)));
        return credential;
    }

    static boolean isDelegated(String credential) {
        return credential != null && credential.startsWith(PREFIX);
    }

    /** The caller a delegated credential stands for, consuming it; empty when unknown, used or expired. */
    Optional<SignedInCaller> redeem(String credential) {
        Delegation delegation = issued.remove(credential);
        if (delegation == null || delegation.expires().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(delegation.caller());
    }
}
