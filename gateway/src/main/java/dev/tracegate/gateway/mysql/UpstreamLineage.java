package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.lineage.CatalogSnapshots;
import dev.tracegate.gateway.lineage.DatabaseRoutinesCache;
import dev.tracegate.gateway.lineage.MaskedStatements;
import dev.tracegate.policy.sql.NotNullColumnTests;

/**
 * What one upstream's catalog tells its sessions: whether a masked caller's statement may run,
 * under which stored column each result column is masked (both from the same snapshots), asked
 * afresh at each write that tests a column for null, which columns are NOT NULL, and what the
 * server's own routines and triggers a statement runs do.
 */
record UpstreamLineage(MaskedStatements statements, ResultColumnNames columns,
                       NotNullColumnTests.NotNullColumns notNullColumns, DatabaseRoutinesCache calledCode) {

    static UpstreamLineage of(MysqlCatalog catalog) {
        CatalogSnapshots snapshots = new CatalogSnapshots(new MysqlCatalogReader(catalog));
        return new UpstreamLineage(new MaskedStatements(snapshots), new ResultColumnNames(snapshots),
                MysqlNotNullColumns.of(catalog), new DatabaseRoutinesCache(() -> MysqlDatabaseRoutines.read(catalog),
                () -> MysqlDatabaseRoutines.version(catalog)));
    }
}
