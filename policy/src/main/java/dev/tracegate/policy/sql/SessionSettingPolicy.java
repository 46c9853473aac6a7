package dev.tracegate.policy.sql;

import java.util.Optional;

/**
 * Whether a client may give a run-time setting a value, for settings that arrive outside SQL
 * (PostgreSQL start-up parameters and the {@code -c} switches of their {@code options}). They go
 * through the same allow-list as {@code SET}, so a setting refused in a statement cannot be had at
 * connection time instead.
 */
public final class SessionSettingPolicy {

    private SessionSettingPolicy() {
    }

    /**
     * Why setting {@code name} (any case, as PostgreSQL reads setting names) to {@code value} is
     * refused, or empty when it is harmless.
     */
    public static Optional<String> refusal(String name, String value) {
        ClassFinding verdict = SettingRules.change("SET", name, value);
        if (verdict.statementClass() == StatementClass.SESSION) {
            return Optional.empty();
        }
        return Optional.of(String.join("; ", verdict.reasons()));
    }
}
