package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.lineage.CatalogSnapshots;
import dev.tracegate.gateway.lineage.MaskedStatements;

/**
 * What one upstream's catalog tells its sessions: whether a masked caller's statement may run,
 * and under which stored column each result column is masked. Both read the same snapshots.
 */
record UpstreamLineage(MaskedStatements statements, ResultColumnNames columns) {

    static UpstreamLineage of(CatalogSnapshots snapshots) {
        return new UpstreamLineage(new MaskedStatements(snapshots), new ResultColumnNames(snapshots));
    }
}
