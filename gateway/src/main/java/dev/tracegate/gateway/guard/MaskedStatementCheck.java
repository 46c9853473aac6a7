package dev.tracegate.gateway.guard;

import dev.tracegate.masking.Masker;
import dev.tracegate.policy.lineage.LineageVerdict;

/**
 * The lineage check of one upstream database (docs/masking.md, "Lineage"): whether a masked
 * caller's statement may run. The Guard asks it for callers whose results are masked.
 */
public interface MaskedStatementCheck {

    LineageVerdict check(String sql, Masker masker);

    /** A statement that may change the schema passed: the next checks must read a fresh catalog. */
    void schemaMayChange();
}
