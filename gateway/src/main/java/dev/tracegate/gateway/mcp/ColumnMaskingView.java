package dev.tracegate.gateway.mcp;

import dev.tracegate.masking.ColumnProtection;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.policy.rules.CallerMasking;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** How the caller's masking profile treats one column, as describe_schema tells a model. */
final class ColumnMaskingView {

    private ColumnMaskingView() {
    }

    /** Empty when the column's values reach the caller as they are. */
    static Optional<Map<String, Object>> of(CallerMasking masking, String schema, String table, String column,
                                            String type) {
        ColumnProtection protection = masking.masker().forColumn(ColumnRef.of(schema, table, column, type)).protection();
        Map<String, Object> view = new LinkedHashMap<>();
        switch (protection.kind()) {
            case NAMED -> {
                view.put("how", "every value is masked (" + protection.entity() + ")");
                view.put("entity", String.valueOf(protection.entity()));
                view.put("allowed_uses", protection.uses().stream().map(Enum::name).sorted().toList());
            }
            case CONTENT -> view.put("how", "personal data found inside values is masked");
            case NONE -> {
                return Optional.empty();
            }
        }
        view.put("profile", masking.profile());
        return Optional.of(view);
    }
}
