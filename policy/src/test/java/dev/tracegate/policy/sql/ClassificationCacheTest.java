package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationCacheTest {

    private static final SqlClassification VALUE = new SqlClassification(List.of());

    @Test
    void recentlyUsedEntriesSurviveEviction() {
        ClassificationCache<SqlClassification> cache = new ClassificationCache<>(2);
        cache.put("a", VALUE);
        cache.put("b", VALUE);
        assertThat(cache.get("a")).isSameAs(VALUE);
        cache.put("c", VALUE);
        assertThat(cache.get("a")).isSameAs(VALUE);
        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("c")).isSameAs(VALUE);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void neverGrowsBeyondItsCapacity() {
        ClassificationCache<SqlClassification> cache = new ClassificationCache<>(100);
        for (int i = 0; i < 10_000; i++) {
            cache.put("SELECT " + i, VALUE);
            cache.get("SELECT " + (i / 2));
        }
        assertThat(cache.size()).isEqualTo(100);
    }

    @Test
    void aCacheAdmittingOnASecondSightingHoldsATextFromItsSecondOffer() {
        ClassificationCache<SqlClassification> cache = ClassificationCache.admittingOnSecondSighting(10);
        cache.put("SELECT 1", VALUE);
        assertThat(cache.get("SELECT 1")).isNull();
        cache.put("SELECT 1", VALUE);
        assertThat(cache.get("SELECT 1")).isSameAs(VALUE);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void textsThatNeverComeBackDoNotPushOutOnesThatDo() {
        ClassificationCache<SqlClassification> cache = ClassificationCache.admittingOnSecondSighting(2);
        for (String repeated : List.of("SELECT a", "SELECT b")) {
            cache.put(repeated, VALUE);
            cache.put(repeated, VALUE);
        }
        for (int i = 0; i < 1_000; i++) {
            cache.put("SELECT abalance FROM pgbench_accounts WHERE aid = " + i, VALUE);
        }
        assertThat(cache.get("SELECT a")).isSameAs(VALUE);
        assertThat(cache.get("SELECT b")).isSameAs(VALUE);
        assertThat(cache.size()).isEqualTo(2);
    }
}
