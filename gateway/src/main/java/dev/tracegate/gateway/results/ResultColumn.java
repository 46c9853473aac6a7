package dev.tracegate.gateway.results;

import dev.tracegate.masking.ColumnRef;
import java.util.List;

/**
 * One column of a result set, as any protocol describes it to the masker.
 *
 * @param ref      the column as the catalog names it (an expression has no table)
 * @param binary   its cells arrive in the protocol's binary format
 * @param withheld read from a table whose name the gateway could not learn (the catalog was not
 *                 reachable): its values are withheld (NULL), since no column rule could be applied
 * @param otherNames the same column as each table a partition or inheritance child inherits it from
 *                   names it, and by its domain when its type is one (PostgreSQL describes the
 *                   base type): the strongest of their rules and the column's own applies
 */
public record ResultColumn(ColumnRef ref, boolean binary, boolean withheld, List<ColumnRef> otherNames) {

    public ResultColumn {
        otherNames = List.copyOf(otherNames);
    }

    /** A column no table inherits. */
    public ResultColumn(ColumnRef ref, boolean binary, boolean withheld) {
        this(ref, binary, withheld, List.of());
    }
}
