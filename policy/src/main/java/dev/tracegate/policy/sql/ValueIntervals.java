package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A set of values of one operand, as sorted, disjoint intervals between constants under one
 * {@link ValueOrder}: what {@code x < 5}, {@code x BETWEEN 1 AND 5} or {@code x IN (1, 2)} admits.
 * Union, intersection and complement are exact, so {@code x < 5 OR (x = 5 OR x > 5)}, {@code x
 * BETWEEN 1 AND 5 OR x < 1 OR x > 5} and {@code NOT (x < 5 AND x >= 5)} are seen to admit every
 * value. Null values are outside every set, as they are outside what the tests admit.
 */
final class ValueIntervals {

    /** One interval; a null bound is unbounded on that side. */
    record Interval(Object low, boolean lowIncluded, Object high, boolean highIncluded) {
    }

    private final ValueOrder order;
    private final List<Interval> intervals;

    private ValueIntervals(ValueOrder order, List<Interval> sortedDisjoint) {
        this.order = order;
        this.intervals = sortedDisjoint;
    }

    static ValueIntervals of(ValueOrder order, List<Interval> intervals) {
        return new ValueIntervals(order, normalised(order, new ArrayList<>(intervals)));
    }

    static ValueIntervals everything(ValueOrder order) {
        return new ValueIntervals(order, List.of(new Interval(null, false, null, false)));
    }

    ValueOrder order() {
        return order;
    }

    /** Whether every (non-null) value is in the set; for booleans, both of them. */
    boolean isEverything() {
        if (order == ValueOrder.BOOLEAN) {
            return contains(Boolean.FALSE) && contains(Boolean.TRUE);
        }
        return intervals.size() == 1 && intervals.getFirst().low() == null && intervals.getFirst().high() == null;
    }

    /** Whether no value is in the set; for booleans, neither of them. */
    boolean isEmpty() {
        if (order == ValueOrder.BOOLEAN) {
            return !contains(Boolean.FALSE) && !contains(Boolean.TRUE);
        }
        return intervals.isEmpty();
    }

    /** Every set's values together; all are of this set's order. */
    static ValueIntervals union(ValueOrder order, List<ValueIntervals> sets) {
        List<Interval> all = new ArrayList<>();
        for (ValueIntervals set : sets) {
            all.addAll(set.intervals);
        }
        return new ValueIntervals(order, normalised(order, all));
    }

    /** The values in both; a merge of the two sorted lists. */
    ValueIntervals intersection(ValueIntervals other) {
        List<Interval> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < intervals.size() && j < other.intervals.size()) {
            Interval a = intervals.get(i);
            Interval b = other.intervals.get(j);
            int lows = compareLows(a, b);
            Interval low = lows >= 0 ? a : b;
            int highs = compareHighs(a, b);
            Interval high = highs <= 0 ? a : b;
            Interval both = new Interval(low.low(), low.lowIncluded(), high.high(), high.highIncluded());
            if (!isEmpty(both)) {
                out.add(both);
            }
            if (highs <= 0) {
                i++;
            } else {
                j++;
            }
        }
        return new ValueIntervals(order, out);
    }

    /** The values not in the set (nulls are in neither). */
    ValueIntervals complement() {
        List<Interval> out = new ArrayList<>();
        Object low = null;
        boolean lowIncluded = false;
        boolean unboundedBelow = true;
        for (Interval interval : intervals) {
            if (interval.low() != null) {
                Interval gap = new Interval(unboundedBelow ? null : low, lowIncluded, interval.low(), !interval.lowIncluded());
                if (!isEmpty(gap)) {
                    out.add(gap);
                }
            }
            if (interval.high() == null) {
                return new ValueIntervals(order, out);
            }
            low = interval.high();
            lowIncluded = !interval.highIncluded();
            unboundedBelow = false;
        }
        out.add(new Interval(unboundedBelow ? null : low, lowIncluded, null, false));
        return new ValueIntervals(order, out);
    }

    private boolean contains(Object value) {
        for (Interval interval : intervals) {
            int low = interval.low() == null ? -1 : order.compare(interval.low(), value);
            int high = interval.high() == null ? 1 : order.compare(interval.high(), value);
            if ((low < 0 || low == 0 && interval.lowIncluded()) && (high > 0 || high == 0 && interval.highIncluded())) {
                return true;
            }
        }
        return false;
    }

    /** Sorted by lower bound, empty intervals dropped, overlapping and touching ones joined. */
    private static List<Interval> normalised(ValueOrder order, List<Interval> intervals) {
        ValueIntervals sorter = new ValueIntervals(order, List.of());
        List<Interval> kept = new ArrayList<>();
        for (Interval interval : intervals) {
            if (!sorter.isEmpty(interval)) {
                kept.add(interval);
            }
        }
        kept.sort(Comparator.comparing((Interval i) -> i, sorter::compareLows));
        List<Interval> out = new ArrayList<>();
        for (Interval next : kept) {
            if (out.isEmpty()) {
                out.add(next);
                continue;
            }
            Interval last = out.getLast();
            if (sorter.joins(last, next)) {
                if (sorter.compareHighs(next, last) > 0) {
                    out.set(out.size() - 1, new Interval(last.low(), last.lowIncluded(), next.high(), next.highIncluded()));
                }
            } else {
                out.add(next);
            }
        }
        return out;
    }

    /** Whether {@code next}, which starts no lower than {@code last}, overlaps or touches it. */
    private boolean joins(Interval last, Interval next) {
        if (last.high() == null || next.low() == null) {
            return true;
        }
        int c = order.compare(next.low(), last.high());
        return c < 0 || c == 0 && (last.highIncluded() || next.lowIncluded());
    }

    private boolean isEmpty(Interval interval) {
        if (interval.low() == null || interval.high() == null) {
            return false;
        }
        int c = order.compare(interval.low(), interval.high());
        return c > 0 || c == 0 && !(interval.lowIncluded() && interval.highIncluded());
    }

    /** Lower bounds: unbounded first, then by value, an included bound before an excluded one. */
    private int compareLows(Interval a, Interval b) {
        if (a.low() == null || b.low() == null) {
            return a.low() == null ? (b.low() == null ? 0 : -1) : 1;
        }
        int c = order.compare(a.low(), b.low());
        return c != 0 ? c : Boolean.compare(b.lowIncluded(), a.lowIncluded());
    }

    /** Upper bounds: unbounded last, then by value, an excluded bound before an included one. */
    private int compareHighs(Interval a, Interval b) {
        if (a.high() == null || b.high() == null) {
            return a.high() == null ? (b.high() == null ? 0 : 1) : -1;
        }
        int c = order.compare(a.high(), b.high());
        return c != 0 ? c : Boolean.compare(a.highIncluded(), b.highIncluded());
    }
}
