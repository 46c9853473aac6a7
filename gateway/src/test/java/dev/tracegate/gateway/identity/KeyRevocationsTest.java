package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What asking before every command costs: the key is looked up again only after a revocation on
 * this node or once the last answer is older than the recheck time, and a revoked key is refused
 * at the first command after its revocation here.
 */
class KeyRevocationsTest {

    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicLong now = new AtomicLong();
    private static final Identity PERSON = new Identity("https://idp.example.com", "00u-ada", "Ada", null, List.of("dba"), "human");
    private static final Identity SERVICE = new Identity("tracegate", "sa:deploy", "deploy", null, List.of("deployers"), "service");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final KeyRevocations revocations = new KeyRevocations(key -> {
        lookups.incrementAndGet();
        if (revoked.contains(key.id())) {
            throw new AuthenticationException("service account key revoked");
        }
    }, Duration.ofSeconds(1), now::get, clock);

    @Test
    void commandsBetweenRevocationsCostNoLookupUntilTheAnswerIsOld() throws Exception {
        SessionKey session = revocations.of(SERVICE, new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k1"), null);
        for (int i = 0; i < 1000; i++) {
            session.requireStanding();
        }
        assertThat(lookups).hasValue(1);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        session.requireStanding();
        assertThat(lookups).as("another node's revocation is seen through the key cache").hasValue(2);
    }

    @Test
    void aRevocationHereIsSeenAtTheNextCommand() throws Exception {
        SessionKey session = revocations.of(SERVICE, new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k2"), null);
        session.requireStanding();
        revoked.add("k2");
        revocations.revoked();
        assertThatThrownBy(session::requireStanding).isInstanceOf(AuthenticationException.class)
                .hasMessage("service account key revoked");
        assertThatThrownBy(session::requireStanding).as("and stays refused").isInstanceOf(AuthenticationException.class);
    }

    @Test
    void aWatchedKeyRevokedHereTellsItsSessionOnceAtOnceAndAClosedWatchNothing() throws Exception {
        CompletableFuture<String> running = new CompletableFuture<>();
        CompletableFuture<String> ended = new CompletableFuture<>();
        KeyWatch watched = revocations.of(SERVICE, new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k3"), null).watch(lapse -> running.complete(lapse.getMessage()));
        revocations.of(SERVICE, new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k3"), null).watch(lapse -> ended.complete(lapse.getMessage())).close();

        revoked.add("k3");
        revocations.revoked(); // the clock stands still here: only the revocation itself starts the sweep

        assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("service account key revoked");
        assertThat(ended).as("a session that ended is not told").isNotDone();
        watched.close();
    }

    @Test
    void aSignInWithoutAKeyHasNothingToAsk() throws Exception {
        revocations.of(PERSON, null, null).requireStanding();
        assertThat(lookups).hasValue(0);
    }

    /** A sign-in's end is a wall-clock moment: the first command at or after it is refused, without a lookup. */
    @Test
    void aSessionEndsWithItsSignIn() throws Exception {
        SessionKey session = revocations.of(PERSON, null, clock.instant().plusSeconds(30));
        session.requireStanding();
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(session::requireStanding).isInstanceOf(SignInEndedException.class)
                .hasMessage("the sign-in this session stands for ended at 2026-12-06T12:00:30Z");
        assertThat(lookups).hasValue(0);
    }

    /**
     * A provider's token has no key to revoke, but its end is watched as a revoked key is: something
     * running without commands (a COPY, a streamed result, a shell) hears of it within the sweep.
     */
    @Test
    void aWatchedSignInWithoutAKeyTellsItsSessionWhenItEnds() throws Exception {
        CompletableFuture<AuthenticationException> running = new CompletableFuture<>();
        KeyWatch watched = revocations.of(PERSON, null, clock.instant().plusSeconds(30)).watch(running::complete);
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(running).as("not before its end").isNotDone();

        clock.advance(Duration.ofSeconds(30));

        assertThat(running.get(5, TimeUnit.SECONDS)).isInstanceOf(SignInEndedException.class)
                .hasMessage("the sign-in this session stands for ended at 2026-12-06T12:00:30Z");
        assertThat(lookups).hasValue(0);
        watched.close();
    }

    /** A key's groups change only with the key, whose revocation each command checks: a pool's session outlives maxSessionSeconds. */
    @Test
    void aSessionSignedInWithAKeyLastsAsLongAsTheKey() throws Exception {
        SessionKey session = revocations.of(SERVICE, new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k3"),
                clock.instant().plusSeconds(30));
        clock.advance(Duration.ofHours(13));
        session.requireStanding();
    }

    /** An exchange rule's groups are the gateway's configuration: its sessions outlive the exchanged token. */
    @Test
    void aSessionWithGroupsTheGatewayGaveRunsOnPastItsTokensEnd() throws Exception {
        SessionKey session = revocations.of(SERVICE, null, clock.instant().plusSeconds(30));
        clock.advance(Duration.ofHours(1));
        session.requireStanding();
    }
}
