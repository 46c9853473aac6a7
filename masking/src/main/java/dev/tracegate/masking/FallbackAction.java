package dev.tracegate.masking;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** What happens to a value that cannot be scanned. */
public enum FallbackAction {
    /** Replace the whole value with {@code [<REASON>]} (NULL where the column type cannot hold that text). */
    REDACT,
    /** Replace the whole value with NULL. */
    NULLIFY,
    /** Let the value through unscanned. Allowed only for invalid UTF-8, where the bytes were never read as text. */
    PASS,
    /** Throw {@link MaskingRefusedException}: the caller ends the command or request with an error. */
    REFUSE;

    @JsonCreator
    public static FallbackAction parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        for (FallbackAction action : values()) {
            if (action.name().equals(name)) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown fallback '" + text + "'; known: redact, nullify, pass, refuse");
    }
}
