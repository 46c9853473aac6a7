package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a condition, or a part of one, admits of its operands' values where it tests them against
 * constants: for each operand (by its spelling, {@link AlikeOperands#spelling}), the values in each
 * {@link ValueOrder} its constants can be read in. An OR's parts join however they are bracketed or
 * ordered, so {@code (x < 5 OR y = 1) OR x >= 5}, {@code x BETWEEN 1 AND 5 OR x < 1 OR x > 5} and
 * {@code x = 1 OR x NOT IN (1)} are seen to admit every value of {@code x}.
 *
 * <p>Two sets are kept per operand: values that suffice for the condition to hold (a row whose
 * operand is in one holds it, whatever its other tests say) and values it requires (a row holds it
 * only when its operand is in that one). A test of one operand has both the same; an OR keeps what
 * suffices for any part and what every part requires, an AND the reverse, and NOT swaps them with
 * their complements: so {@code NOT (x > 5 AND y = 1) OR x > 5} is seen to admit every value.
 */
final class AdmittedValues {

    /** Constants with more digits are not read as numbers: see ConditionAnalyzer's folding limit. */
    private static final int MAX_DIGITS = 1_000;

    private final Map<String, Map<ValueOrder, ValueIntervals>> suffices;
    private final Map<String, Map<ValueOrder, ValueIntervals>> requires;

    private AdmittedValues(Map<String, Map<ValueOrder, ValueIntervals>> suffices,
                           Map<String, Map<ValueOrder, ValueIntervals>> requires) {
        this.suffices = suffices;
        this.requires = requires;
    }

    /** A test of {@code operand} that holds exactly for the values {@code readings} give in each order. */
    static AdmittedValues of(String operand, Map<ValueOrder, ValueIntervals> readings) {
        if (readings.isEmpty()) {
            return null;
        }
        Map<String, Map<ValueOrder, ValueIntervals>> exactly = Map.of(operand, Map.copyOf(readings));
        return new AdmittedValues(exactly, exactly);
    }

    /**
     * {@code operand OPERATOR constant} ({@code =}, {@code <>}, {@code <}, {@code <=}, {@code >},
     * {@code >=}); null for a constant no order reads.
     */
    static AdmittedValues compared(String operand, String operator, Object constant) {
        Map<ValueOrder, ValueIntervals> readings = new EnumMap<>(ValueOrder.class);
        ValueOrder.readings(constant, MAX_DIGITS).forEach((order, c) -> {
            List<ValueIntervals.Interval> admitted = switch (operator) {
                case "=" -> List.of(point(c));
                case "<>", "!=" -> List.of(below(c, false), above(c, false));
                case "<" -> List.of(below(c, false));
                case "<=" -> List.of(below(c, true));
                case ">" -> List.of(above(c, false));
                case ">=" -> List.of(above(c, true));
                default -> null;
            };
            if (admitted != null) {
                readings.put(order, ValueIntervals.of(order, admitted));
            }
        });
        return of(operand, readings);
    }

    /**
     * A bare operand as a condition: true as a boolean, and, as MySQL reads a number there, any number
     * but zero, so {@code id OR id = 0} admits every number.
     */
    static AdmittedValues truthOf(String operand) {
        Map<ValueOrder, ValueIntervals> readings = new EnumMap<>(ValueOrder.class);
        readings.put(ValueOrder.BOOLEAN, ValueIntervals.of(ValueOrder.BOOLEAN, List.of(point(Boolean.TRUE))));
        readings.put(ValueOrder.NUMERIC, ValueIntervals.of(ValueOrder.NUMERIC,
                List.of(below(java.math.BigDecimal.ZERO, false), above(java.math.BigDecimal.ZERO, false))));
        return of(operand, readings);
    }

    /** {@code operand [NOT] BETWEEN [SYMMETRIC] low AND high}. */
    static AdmittedValues between(String operand, Object low, Object high, boolean symmetric, boolean negated) {
        Map<ValueOrder, Object> lows = ValueOrder.readings(low, MAX_DIGITS);
        Map<ValueOrder, Object> highs = ValueOrder.readings(high, MAX_DIGITS);
        Map<ValueOrder, ValueIntervals> readings = new EnumMap<>(ValueOrder.class);
        lows.forEach((order, l) -> {
            Object h = highs.get(order);
            if (h == null) {
                return;
            }
            boolean swap = symmetric && order.compare(l, h) > 0;
            ValueIntervals range = ValueIntervals.of(order, List.of(
                    new ValueIntervals.Interval(swap ? h : l, true, swap ? l : h, true)));
            readings.put(order, negated ? range.complement() : range);
        });
        return of(operand, readings);
    }

    /**
     * {@code operand [NOT] IN (constants)}; a NULL among them ({@code null}) makes NOT IN hold for no
     * value, since the test is then never true.
     */
    static AdmittedValues among(String operand, List<Object> constants, boolean negated) {
        Map<ValueOrder, List<ValueIntervals.Interval>> points = new EnumMap<>(ValueOrder.class);
        Map<ValueOrder, Integer> read = new EnumMap<>(ValueOrder.class);
        int values = 0;
        for (Object constant : constants) {
            if (constant == null) {
                continue;
            }
            values++;
            ValueOrder.readings(constant, MAX_DIGITS).forEach((order, c) -> {
                points.computeIfAbsent(order, o -> new ArrayList<>()).add(point(c));
                read.merge(order, 1, Integer::sum);
            });
        }
        boolean withNull = values < constants.size();
        Map<ValueOrder, ValueIntervals> readings = new EnumMap<>(ValueOrder.class);
        for (ValueOrder order : ValueOrder.values()) {
            if (read.getOrDefault(order, 0) != values) {
                continue;
            }
            ValueIntervals listed = ValueIntervals.of(order, points.getOrDefault(order, List.of()));
            readings.put(order, !negated ? listed
                    : withNull ? ValueIntervals.of(order, List.of()) : listed.complement());
        }
        return of(operand, readings);
    }

    private static ValueIntervals.Interval point(Object c) {
        return new ValueIntervals.Interval(c, true, c, true);
    }

    private static ValueIntervals.Interval below(Object c, boolean included) {
        return new ValueIntervals.Interval(null, false, c, included);
    }

    private static ValueIntervals.Interval above(Object c, boolean included) {
        return new ValueIntervals.Interval(c, included, null, false);
    }

    /** What an OR of {@code parts} admits; a null part is a test of nothing this reads. */
    static AdmittedValues anyOf(List<AdmittedValues> parts) {
        return combined(parts, true);
    }

    /** What an AND of {@code parts} admits; a null part is a test of nothing this reads. */
    static AdmittedValues allOf(List<AdmittedValues> parts) {
        return combined(parts, false);
    }

    /**
     * An OR ({@code or}) or AND of parts: one side's sets joined over the parts that have them (what
     * suffices for an OR, what an AND requires), the other's met over all parts (what an OR requires
     * and what suffices for an AND, only where every part has a set of that operand).
     */
    private static AdmittedValues combined(List<AdmittedValues> parts, boolean or) {
        List<Map<String, Map<ValueOrder, ValueIntervals>>> joinedSide = new ArrayList<>();
        List<Map<String, Map<ValueOrder, ValueIntervals>>> metSide = new ArrayList<>();
        boolean every = true;
        for (AdmittedValues part : parts) {
            if (part == null) {
                every = false;
                continue;
            }
            joinedSide.add(or ? part.suffices : part.requires);
            metSide.add(or ? part.requires : part.suffices);
        }
        if (joinedSide.isEmpty()) {
            return null;
        }
        Map<String, Map<ValueOrder, ValueIntervals>> joined = joined(joinedSide, or);
        Map<String, Map<ValueOrder, ValueIntervals>> met = every ? met(metSide, or) : Map.of();
        return joined.isEmpty() && met.isEmpty() ? null
                : or ? new AdmittedValues(joined, met) : new AdmittedValues(met, joined);
    }

    /**
     * Per operand, the union ({@code union}) or intersection of its sets in the maps that have it,
     * in the orders all of them read it in.
     */
    private static Map<String, Map<ValueOrder, ValueIntervals>> joined(
            List<Map<String, Map<ValueOrder, ValueIntervals>>> maps, boolean union) {
        Map<String, List<Map<ValueOrder, ValueIntervals>>> byOperand = new HashMap<>();
        for (Map<String, Map<ValueOrder, ValueIntervals>> map : maps) {
            map.forEach((operand, readings) -> byOperand.computeIfAbsent(operand, o -> new ArrayList<>()).add(readings));
        }
        Map<String, Map<ValueOrder, ValueIntervals>> out = new HashMap<>();
        byOperand.forEach((operand, sets) -> {
            Map<ValueOrder, ValueIntervals> readings = readingsCombined(sets, union);
            if (!readings.isEmpty()) {
                out.put(operand, readings);
            }
        });
        return out;
    }

    /** As {@link #joined}, over the operands every map has. */
    private static Map<String, Map<ValueOrder, ValueIntervals>> met(
            List<Map<String, Map<ValueOrder, ValueIntervals>>> maps, boolean union) {
        Map<String, Map<ValueOrder, ValueIntervals>> out = new HashMap<>();
        for (String operand : maps.getFirst().keySet()) {
            List<Map<ValueOrder, ValueIntervals>> sets = new ArrayList<>();
            for (Map<String, Map<ValueOrder, ValueIntervals>> map : maps) {
                Map<ValueOrder, ValueIntervals> readings = map.get(operand);
                if (readings == null) {
                    break;
                }
                sets.add(readings);
            }
            if (sets.size() == maps.size()) {
                Map<ValueOrder, ValueIntervals> readings = readingsCombined(sets, union);
                if (!readings.isEmpty()) {
                    out.put(operand, readings);
                }
            }
        }
        return out;
    }

    /** One operand's sets combined, in each order every one of them is read in. */
    private static Map<ValueOrder, ValueIntervals> readingsCombined(List<Map<ValueOrder, ValueIntervals>> sets, boolean union) {
        Map<ValueOrder, ValueIntervals> out = new EnumMap<>(ValueOrder.class);
        for (ValueOrder order : sets.getFirst().keySet()) {
            List<ValueIntervals> inOrder = new ArrayList<>(sets.size());
            for (Map<ValueOrder, ValueIntervals> readings : sets) {
                ValueIntervals set = readings.get(order);
                if (set == null) {
                    break;
                }
                inOrder.add(set);
            }
            if (inOrder.size() < sets.size()) {
                continue;
            }
            out.put(order, union ? ValueIntervals.union(order, inOrder) : intersection(order, inOrder));
        }
        return out;
    }

    /**
     * The values in every set: the complement of the union of their complements, so that an AND of
     * thousands of tests ({@code id <> 1 AND id <> 2 AND ...}) sorts its bounds once rather than
     * intersecting a growing list with each.
     */
    private static ValueIntervals intersection(ValueOrder order, List<ValueIntervals> sets) {
        if (sets.size() == 1) {
            return sets.getFirst();
        }
        if (sets.size() == 2) {
            return sets.getFirst().intersection(sets.get(1));
        }
        List<ValueIntervals> complements = new ArrayList<>(sets.size());
        for (ValueIntervals set : sets) {
            complements.add(set.complement());
        }
        return ValueIntervals.union(order, complements).complement();
    }

    /** What NOT of the condition admits: what it required, complemented, suffices, and the reverse. */
    AdmittedValues negated() {
        return new AdmittedValues(complemented(requires), complemented(suffices));
    }

    private static Map<String, Map<ValueOrder, ValueIntervals>> complemented(Map<String, Map<ValueOrder, ValueIntervals>> sets) {
        Map<String, Map<ValueOrder, ValueIntervals>> out = new HashMap<>();
        sets.forEach((operand, readings) -> {
            Map<ValueOrder, ValueIntervals> complement = new EnumMap<>(ValueOrder.class);
            readings.forEach((order, set) -> complement.put(order, set.complement()));
            out.put(operand, complement);
        });
        return out;
    }

    /** The operands (by spelling) whose values the condition tests against constants. */
    java.util.Set<String> operands() {
        java.util.Set<String> operands = new java.util.HashSet<>(suffices.keySet());
        operands.addAll(requires.keySet());
        return operands;
    }

    /** Whether some operand's every value holds the condition in some order it may be compared in. */
    boolean admitsEveryValue() {
        for (Map<ValueOrder, ValueIntervals> readings : suffices.values()) {
            for (ValueIntervals set : readings.values()) {
                if (set.isEverything()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the condition requires of some operand a value it cannot have, whichever order the server compares in. */
    boolean admitsNoValue() {
        for (Map<ValueOrder, ValueIntervals> readings : requires.values()) {
            if (readings.values().stream().allMatch(ValueIntervals::isEmpty)) {
                return true;
            }
        }
        return false;
    }
}
