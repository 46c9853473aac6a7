package dev.tracegate.gateway.guard;

import dev.tracegate.masking.Masker;
import dev.tracegate.policy.lineage.LineageVerdict;
import dev.tracegate.policy.sql.SqlDialect;

/**
 * The lineage check of one upstream database (docs/masking.md, "Lineage"): whether a masked
 * caller's statement may run. The Guard asks it for callers whose results are masked.
 */
public interface MaskedStatementCheck {

    /** Whether {@code sql}, read in {@code dialect}, may run for a caller masked by {@code masker}. */
    LineageVerdict check(String sql, SqlDialect dialect, Masker masker);

    /** A statement that may change the schema passed: the next checks must read a fresh catalog. */
    void schemaMayChange();
}
