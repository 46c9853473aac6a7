package dev.tracegate.gateway.results;

import dev.tracegate.masking.ColumnRef;

/**
 * One column of a result set, as any protocol describes it to the masker.
 *
 * @param ref      the column as the catalog names it (an expression has no table)
 * @param binary   its cells arrive in the protocol's binary format
 * @param withheld read from a table whose name the gateway could not learn (the catalog was not
 *                 reachable): its values are withheld (NULL), since no column rule could be applied
 */
public record ResultColumn(ColumnRef ref, boolean binary, boolean withheld) {
}
