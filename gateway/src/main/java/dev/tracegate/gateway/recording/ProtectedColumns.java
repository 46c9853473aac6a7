package dev.tracegate.gateway.recording;

import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.sql.SqlToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The columns the record profile protects: those whose values a column rule or a name hint masks
 * whole. Decisions are remembered (one instance serves every command under one policy), in a
 * bounded memory, since a text can name any number of columns.
 */
final class ProtectedColumns {

    private static final int MAX_REMEMBERED = 10_000;

    private final Masker record;
    private final Map<ColumnRef, Optional<ColumnMasker>> columns = new ConcurrentHashMap<>();
    private final Map<String, Boolean> names = new ConcurrentHashMap<>();

    /** @param record the record profile, or {@code null} when no column is protected (credentials only) */
    ProtectedColumns(Masker record) {
        this.record = record;
    }

    /** The profile's decision for a column, when it masks the column's values whole; {@code null} otherwise. */
    ColumnMasker protectedColumn(ColumnRef column) {
        if (record == null) {
            return null;
        }
        return remembered(columns, column, c -> {
            ColumnMasker masker = record.forColumn(c);
            return Optional.ofNullable(masker.masksWholeValue() ? masker : null);
        }).orElse(null);
    }

    /** Whether some table's column of this name would be protected. */
    boolean mayProtectColumnNamed(String name) {
        return record != null && remembered(names, name, n -> record.profile().mayMaskColumnNamed(n));
    }

    /**
     * Whether finding where the values of these tokens go can change anything: they name a column
     * that may be protected, insert (without a column list every value is suspect), or set a
     * password. Most statements do none of these and skip the analysis.
     */
    boolean mayTarget(List<SqlToken> tokens) {
        for (SqlToken token : tokens) {
            if (token.isWord("password") || token.isWord("insert")
                    || token.isIdentifier() && mayProtectColumnNamed(token.text())) {
                return true;
            }
        }
        return false;
    }

    private static <K, V> V remembered(Map<K, V> memory, K key, Function<K, V> decide) {
        V known = memory.get(key);
        if (known != null) {
            return known;
        }
        V decided = decide.apply(key);
        if (memory.size() >= MAX_REMEMBERED) {
            memory.clear();
        }
        memory.put(key, decided);
        return decided;
    }
}
