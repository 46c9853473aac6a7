package dev.tracegate.gateway.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CatalogAnswerTest {

    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void aYoungAnswerServesEveryStatementWithoutReadingAgain() throws Exception {
        CatalogAnswer<Integer> answer = new CatalogAnswer<>(reads::incrementAndGet);
        for (int i = 0; i < 100; i++) {
            assertThat(answer.current()).isEqualTo(1);
        }
        assertThat(reads).hasValue(1);
    }

    @Test
    void anOldAnswerIsReadAgainOnce() throws Exception {
        CatalogAnswer<Integer> answer = new CatalogAnswer<>(reads::incrementAndGet, Duration.ofMillis(50));
        assertThat(answer.current()).isEqualTo(1);
        Thread.sleep(120);
        assertThat(answer.current()).isEqualTo(2);
        assertThat(answer.current()).isEqualTo(2);
    }

    /** A function replaced a moment ago must be seen as it is now: each statement gets a reading begun after it asked. */
    @Test
    void afterASchemaChangeEachStatementGetsAnAnswerReadAfterItAsked() throws Exception {
        CatalogAnswer<Integer> answer = new CatalogAnswer<>(reads::incrementAndGet);
        assertThat(answer.current()).isEqualTo(1);
        answer.schemaMayChange();
        assertThat(answer.current()).isEqualTo(2);
        assertThat(answer.current()).isEqualTo(3);
    }

    /** Statements asking together during a schema change share readings: not one reading each. */
    @Test
    void statementsAskingTogetherShareAReading() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CatalogAnswer<Integer> answer = new CatalogAnswer<>(() -> {
            int n = reads.incrementAndGet();
            if (n == 1) {
                reading.countDown();
                await(release);
            }
            return n;
        });
        answer.schemaMayChange();
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            Future<Integer> first = pool.submit(answer::current);
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<Integer>> waiting = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                waiting.add(pool.submit(answer::current));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (answer.waiting() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(5); // until the eight wait behind the first reading
            }
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            for (Future<Integer> statement : waiting) {
                // Each asked after the first reading began: it needs the second, which all eight share.
                assertThat(statement.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reads).hasValue(2);
    }

    @Test
    void aCatalogThatCannotAnswerIsAskedAgainByTheNextStatement() throws Exception {
        CatalogAnswer<Integer> answer = new CatalogAnswer<>(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new CatalogUnavailableException("the upstream is down", null);
            }
            return reads.get();
        });
        assertThatThrownBy(answer::current).isInstanceOf(CatalogUnavailableException.class).hasMessage("the upstream is down");
        assertThat(answer.current()).isEqualTo(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
