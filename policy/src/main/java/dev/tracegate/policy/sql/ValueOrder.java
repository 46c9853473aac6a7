package dev.tracegate.policy.sql;

import java.math.BigDecimal;
import java.text.Collator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An order in which the server may compare an operand with the constants a condition tests it
 * against. Which one it uses depends on the column's type and collation, which the text does not
 * say, so a constant is read in every order it can stand for ({@code '5'} as a number and as text,
 * text by code point as the {@code C} collation, linguistically, and with case and accents folded
 * as MySQL's {@code _ci} collations): a condition that admits every value in any of them is taken
 * to select every row. Booleans are read as booleans only where the condition says so ({@code
 * true}, {@code IS TRUE}, a bare operand): {@code status = 0 OR status = 1} is no tautology. That can only make a write stricter.
 */
enum ValueOrder {
    NUMERIC,
    BINARY,
    LINGUISTIC,
    FOLDED,
    BOOLEAN;

    private static final Collator LINGUISTIC_COLLATOR = collator(Collator.TERTIARY);
    private static final Collator FOLDED_COLLATOR = collator(Collator.PRIMARY);

    int compare(Object a, Object b) {
        return switch (this) {
            case NUMERIC -> ((BigDecimal) a).compareTo((BigDecimal) b);
            case BINARY -> ((String) a).compareTo((String) b);
            case LINGUISTIC -> LINGUISTIC_COLLATOR.compare(a, b);
            case FOLDED -> FOLDED_COLLATOR.compare(a, b);
            case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
        };
    }

    /**
     * The constant as each order reads it: a number in {@link #NUMERIC} alone, a string in the text
     * orders and also as a number when it spells one (the server coerces a literal to the column's
     * type), {@code true} and {@code false} in {@link #BOOLEAN} alone. Empty for anything else.
     */
    static Map<ValueOrder, Object> readings(Object constant, int maxDigits) {
        Map<ValueOrder, Object> readings = new EnumMap<>(ValueOrder.class);
        switch (constant) {
            case BigDecimal n -> readings.put(NUMERIC, n);
            case String s -> {
                readings.put(BINARY, s);
                readings.put(LINGUISTIC, s);
                readings.put(FOLDED, s);
                number(s.trim(), maxDigits).ifPresent(n -> readings.put(NUMERIC, n));
            }
            case Boolean b -> readings.put(BOOLEAN, b);
            default -> {
            }
        }
        return readings;
    }

    private static Optional<BigDecimal> number(String text, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits) {
            return Optional.empty();
        }
        try {
            BigDecimal n = new BigDecimal(text);
            return n.precision() <= maxDigits && Math.abs((long) n.scale()) <= maxDigits ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    private static Collator collator(int strength) {
        Collator collator = Collator.getInstance(Locale.ROOT);
        collator.setStrength(strength);
        return collator;
    }
}
