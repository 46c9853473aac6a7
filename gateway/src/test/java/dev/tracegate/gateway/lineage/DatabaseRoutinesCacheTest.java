package dev.tracegate.gateway.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.DatabaseRoutines;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The confirmation of an answer by the code's version on the server, before a routine is judged by
 * it: a version that moved gives an answer read again, and statements confirming at once share a
 * reading of the version instead of queueing one catalog query each.
 */
class DatabaseRoutinesCacheTest {

    private final AtomicInteger answersRead = new AtomicInteger();
    private final AtomicInteger versionsRead = new AtomicInteger();
    private final AtomicReference<String> serverVersion = new AtomicReference<>("v1");

    private DatabaseRoutines read() {
        answersRead.incrementAndGet();
        return new DatabaseRoutines.Builder(Set.of()).version(serverVersion.get()).build();
    }

    @Test
    void anAnswerIsKeptWhileTheServersCodeIsTheSameAndReadAgainOnceItMoved() {
        DatabaseRoutinesCache cache = new DatabaseRoutinesCache(this::read, () -> {
            versionsRead.incrementAndGet();
            return serverVersion.get();
        });
        DatabaseRoutines first = cache.current();
        assertThat(cache.confirmed(first)).isSameAs(first);
        assertThat(versionsRead).hasValue(1);

        serverVersion.set("v2"); // a routine replaced straight on the server, within the answer's few seconds
        DatabaseRoutines confirmed = cache.confirmed(first);
        assertThat(confirmed).isNotSameAs(first);
        assertThat(confirmed.version()).isEqualTo("v2");
        assertThat(answersRead).hasValue(2);
    }

    @Test
    void statementsConfirmingTogetherShareAReadingOfTheVersion() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DatabaseRoutinesCache cache = new DatabaseRoutinesCache(this::read, () -> {
            if (versionsRead.incrementAndGet() == 1) {
                reading.countDown();
                await(release);
            }
            return serverVersion.get();
        });
        DatabaseRoutines answer = cache.current();
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            Future<DatabaseRoutines> first = pool.submit(() -> cache.confirmed(answer));
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<DatabaseRoutines>> waiting = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                waiting.add(pool.submit(() -> cache.confirmed(answer)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (cache.confirmationsWaiting() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(5); // until the eight wait behind the first reading
            }
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(answer);
            for (Future<DatabaseRoutines> statement : waiting) {
                assertThat(statement.get(10, TimeUnit.SECONDS)).isSameAs(answer);
            }
        } finally {
            pool.shutdownNow();
        }
        // The first reading, and one begun after the eight asked, which they all take.
        assertThat(versionsRead).hasValue(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aVersionTheCatalogCannotGiveLeavesNoAnswer() {
        DatabaseRoutinesCache cache = new DatabaseRoutinesCache(this::read, () -> {
            throw new CatalogUnavailableException("the upstream is down", null);
        });
        assertThat(cache.confirmed(cache.current())).isNull(); // the classifier fails closed
    }
}
