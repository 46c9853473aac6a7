package dev.tracegate.gateway.guard;

import dev.tracegate.masking.Masker;
import dev.tracegate.policy.lineage.LineageVerdict;
import dev.tracegate.policy.sql.SqlDialect;
import java.util.List;

/**
 * The lineage check of one upstream database (docs/masking.md, "Lineage"): whether a masked
 * caller's statement may run. The Guard asks it for callers whose results are masked.
 */
public interface MaskedStatementCheck {

    /** Whether {@code sql}, read in {@code dialect}, may run for a caller masked by {@code masker}. */
    LineageVerdict check(String sql, SqlDialect dialect, Masker masker);

    /**
     * Whether a statement's declared parameter types (PostgreSQL's Parse: OIDs, 0 for none) may be
     * bound for a caller masked by {@code masker}: a value of a type runs its domain check and casts.
     */
    LineageVerdict checkParameterTypes(List<Integer> types, Masker masker);

    /** A statement that may change the schema passed: the next checks must read a fresh catalog. */
    void schemaMayChange();
}
