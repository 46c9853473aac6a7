package dev.tracegate.gateway.lineage;

import dev.tracegate.gateway.guard.MaskedStatementCheck;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.lineage.CatalogSnapshot;
import dev.tracegate.policy.lineage.LineageCheck;
import dev.tracegate.policy.lineage.LineageVerdict;
import dev.tracegate.policy.lineage.ProtectedSchema;
import dev.tracegate.policy.sql.SqlDialect;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lineage check of one upstream database: whether a masked caller's statement may run, read
 * against a recent catalog snapshot through the caller's masking profile (docs/masking.md,
 * "Lineage"), in the statement's dialect. A refusal that a name was unknown is checked once more against a fresh snapshot, so
 * an object created a moment ago is judged as it is, not refused. When the catalog cannot be read,
 * statements are refused: without it nothing can be checked. Thread-safe.
 */
public final class MaskedStatements implements MaskedStatementCheck {

    private static final Logger LOG = LoggerFactory.getLogger(MaskedStatements.class);

    private final CatalogSnapshots snapshots;
    private CatalogSnapshot schemasOf;
    private final Map<Masker, ProtectedSchema> schemas = new IdentityHashMap<>();

    public MaskedStatements(CatalogSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    /** Whether {@code sql} (a query string, or one extended-protocol statement) may run for a caller masked by {@code masker}. */
    @Override
    public LineageVerdict check(String sql, SqlDialect dialect, Masker masker) {
        try {
            LineageVerdict verdict = LineageCheck.check(sql, dialect, schema(snapshots.current(), masker));
            if (!verdict.allowed() && verdict.catalogMayBeStale()) {
                verdict = LineageCheck.check(sql, dialect, schema(snapshots.fresh(), masker));
            }
            return verdict;
        } catch (CatalogUnavailableException e) {
            LOG.warn("{}; statements of masked callers are refused until it can be read", e.getMessage());
            return LineageVerdict.refused("the gateway cannot read the database's catalog right now, so it cannot check"
                    + " what this statement reveals; try again shortly");
        }
    }

    @Override
    public LineageVerdict checkParameterTypes(List<Integer> types, Masker masker) {
        try {
            return LineageCheck.checkParameterTypes(types, schema(snapshots.current(), masker));
        } catch (CatalogUnavailableException e) {
            LOG.warn("{}; statements of masked callers are refused until it can be read", e.getMessage());
            return LineageVerdict.refused("the gateway cannot read the database's catalog right now, so it cannot check"
                    + " what this statement's parameter types run; try again shortly");
        }
    }

    /** A statement that may change the schema passed: the next checks read a fresh catalog. */
    @Override
    public void schemaMayChange() {
        snapshots.schemaMayChange();
    }

    private synchronized ProtectedSchema schema(CatalogSnapshot snapshot, Masker masker) {
        if (snapshot != schemasOf) {
            schemas.clear();
            schemasOf = snapshot;
        }
        return schemas.computeIfAbsent(masker, m -> new ProtectedSchema(snapshot, m));
    }
}
