package dev.tracegate.masking;

import java.util.EnumSet;
import java.util.Set;

/**
 * How a profile protects one column, for deciding what a masked caller's statement may do with it
 * before it runs: whether its values are personal data by name (a column rule or a name hint) or
 * only possibly so (text the content detectors scan), and which uses of its clear value the
 * profile grants.
 *
 * @param kind   how the column is protected
 * @param entity what a NAMED column holds; {@code null} otherwise
 * @param uses   the uses of the clear value the profile grants; {@code IS NULL} and {@code count(col)}
 *               are always allowed, since masked values keep NULLs where they are
 */
public record ColumnProtection(Kind kind, EntityType entity, Set<ColumnUse> uses) {

    /** How a column's values are protected. */
    public enum Kind {
        /** A column rule or name hint masks every value whole: the column is personal data. */
        NAMED,
        /** Values are scanned by the content detectors (or walked as JSON): they may hold personal data. */
        CONTENT,
        /** The type cannot hold personal data in a form the profile looks for (integers, booleans, ...). */
        NONE
    }

    public static final ColumnProtection NONE = new ColumnProtection(Kind.NONE, null, Set.of());

    public ColumnProtection {
        uses = uses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(uses));
    }

    /** Whether this protects a column more than {@code other} does: a whole-value decision over a content scan over none. */
    public boolean strongerThan(ColumnProtection other) {
        return kind.ordinal() < other.kind.ordinal();
    }

    public boolean isProtected() {
        return kind != Kind.NONE;
    }

    public boolean allows(ColumnUse use) {
        return uses.contains(use);
    }

    /**
     * The uses granted when the profile names none: a deterministic pseudonym already shows which
     * rows share a value, so joining and grouping on the clear value reveal nothing more; every
     * other strategy hides equality, so nothing is granted.
     */
    static Set<ColumnUse> defaultUses(MaskStrategy strategy) {
        return strategy instanceof MaskStrategy.Hash ? EnumSet.of(ColumnUse.JOIN, ColumnUse.GROUP) : Set.of();
    }
}
