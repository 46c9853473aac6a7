package dev.tracegate.gateway.lineage;

import dev.tracegate.policy.lineage.CatalogSnapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads one upstream's catalog, in its protocol's terms, into a snapshot the lineage check understands. */
@FunctionalInterface
public interface CatalogReader {

    /** A snapshot taken now, numbered {@code version}. */
    CatalogSnapshot read(long version) throws CatalogUnavailableException;

    /** The first column of catalog rows, as a set of names (NULLs left out). */
    static Set<String> names(List<List<String>> rows) {
        Set<String> names = new HashSet<>(rows.size() * 2);
        for (List<String> row : rows) {
            if (row.getFirst() != null) {
                names.add(row.getFirst());
            }
        }
        return names;
    }
}
