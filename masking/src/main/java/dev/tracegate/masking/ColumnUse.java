package dev.tracegate.masking;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * A way a masked caller's statement may use the clear value of a protected column without
 * receiving it. Each reveals something about the value; a profile grants them per column
 * ({@code uses:} on a column rule), and docs/masking.md says what each reveals.
 */
public enum ColumnUse {
    /** {@code col = 'value'}, {@code col IN (...)}, {@code col = $1}: whether a guessed value exists. */
    LOOKUP,
    /** {@code a.col = b.col} between two protected columns: which rows share a value. */
    JOIN,
    /** {@code GROUP BY col}, {@code DISTINCT}, {@code PARTITION BY}, {@code count(DISTINCT col)}: which rows share a value. */
    GROUP,
    /** {@code ORDER BY col}, {@code <}, {@code >}, {@code BETWEEN}: the order of values, so, by bisection, the values. */
    SORT,
    /** Any other predicate ({@code LIKE}, functions, casts in a WHERE): as much as the caller asks, bit by bit. */
    ANY,
    /** {@code date_trunc('year', col)}, {@code extract(year FROM col)}: the year, returned in clear. */
    YEAR,
    /** {@code date_trunc('month', col)}, {@code extract(month FROM col)}: year and month, returned in clear. */
    MONTH;

    /** Reads a configured name ({@code lookup}, {@code join}, ...), with a message listing the known ones. */
    @JsonCreator
    public static ColumnUse parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown column use '" + name
                    + "'; known: lookup, join, group, sort, any, year, month");
        }
    }

    /** Whether this use hands out a coarsened value (a generalisation) rather than testing the value. */
    public boolean generalises() {
        return this == YEAR || this == MONTH;
    }
}
