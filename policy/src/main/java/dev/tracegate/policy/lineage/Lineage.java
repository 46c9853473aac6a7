package dev.tracegate.policy.lineage;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where a value in a statement comes from, as far as masking cares.
 *
 * @param sources    the protected columns it is computed from; empty for a value that holds no
 *                   protected data
 * @param plain      the value is one of its sources exactly as stored (a column reference, through
 *                   subqueries, CTEs and joins), not computed from it
 * @param originKept PostgreSQL still names the stored column for it in the result's description
 *                   (not so after UNION, a scalar subquery, a FULL JOIN's merged column or a view),
 *                   so the result masker can find and mask it
 */
record Lineage(Set<ProtectedSource> sources, boolean plain, boolean originKept) {

    static final Lineage CLEAN = new Lineage(Set.of(), true, true);

    Lineage {
        sources = Set.copyOf(sources);
    }

    static Lineage stored(ProtectedSource source) {
        return new Lineage(Set.of(source), true, true);
    }

    static Lineage derived(Set<ProtectedSource> sources) {
        return sources.isEmpty() ? CLEAN : new Lineage(sources, false, false);
    }

    boolean isClean() {
        return sources.isEmpty();
    }

    /** A value computed from this one. */
    Lineage derive() {
        return derived(sources);
    }

    /** The same value, but PostgreSQL no longer names its origin. */
    Lineage withoutOrigin() {
        return isClean() ? this : new Lineage(sources, plain, false);
    }

    /** A value that may be either of two (UNION branches, a USING column of two tables). */
    Lineage or(Lineage other) {
        if (other.isClean()) {
            return this;
        }
        if (isClean()) {
            return other;
        }
        Set<ProtectedSource> union = new LinkedHashSet<>(sources);
        union.addAll(other.sources);
        return new Lineage(union, plain && other.plain, originKept && other.originKept && union.size() == 1);
    }

    /** A value computed from both (an operator over two operands). */
    Lineage combine(Lineage other) {
        Set<ProtectedSource> union = new LinkedHashSet<>(sources);
        union.addAll(other.sources);
        return derived(union);
    }

    String describeSources() {
        return sources.stream().map(ProtectedSource::toString).sorted().reduce((a, b) -> a + ", " + b).orElse("");
    }
}
