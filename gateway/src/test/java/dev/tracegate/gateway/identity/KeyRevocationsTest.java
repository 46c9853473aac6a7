package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
    private final KeyRevocations revocations = new KeyRevocations(key -> {
        lookups.incrementAndGet();
        if (revoked.contains(key.id())) {
            throw new AuthenticationException("service account key revoked");
        }
    }, Duration.ofSeconds(1), now::get);

    @Test
    void commandsBetweenRevocationsCostNoLookupUntilTheAnswerIsOld() throws Exception {
        SessionKey session = revocations.of(new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k1"));
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
        SessionKey session = revocations.of(new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k2"));
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
        KeyWatch watched = revocations.of(new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k3")).watch(running::complete);
        revocations.of(new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k3")).watch(ended::complete).close();

        revoked.add("k3");
        revocations.revoked(); // the clock stands still here: only the revocation itself starts the sweep

        assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("service account key revoked");
        assertThat(ended).as("a session that ended is not told").isNotDone();
        watched.close();
    }

    @Test
    void aSignInWithoutAKeyHasNothingToAsk() throws Exception {
        revocations.of((CredentialRef) null).requireStanding();
        assertThat(lookups).hasValue(0);
    }
}
