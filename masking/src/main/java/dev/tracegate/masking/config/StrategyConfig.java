package dev.tracegate.masking.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.MaskStrategy;
import java.util.Locale;

/**
 * A strategy as configured: {@code {kind: partial, keepLast: 4}}, or the short forms {@code redact},
 * {@code partial} (keeps 4), {@code partial:2}, {@code hash}, {@code hash:format} (format-preserving)
 * and {@code nullify}.
 *
 * @param kind             redact, partial, hash or nullify
 * @param keepLast         partial: how many trailing letters and digits stay readable (default 4)
 * @param formatPreserving hash: keep the value's shape (e-mail stays an address, a card a Luhn-valid number)
 * @param placeholder      redact: the text to show instead of {@code [ENTITY]}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StrategyConfig(String kind, Integer keepLast, Boolean formatPreserving, String placeholder) {

    public static final int DEFAULT_KEEP_LAST = 4;

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public StrategyConfig {
        kind = kind == null ? null : kind.strip().toLowerCase(Locale.ROOT);
        if (kind == null || !(kind.equals("redact") || kind.equals("partial") || kind.equals("hash")
                || kind.equals("nullify"))) {
            throw new IllegalArgumentException("strategy kind must be redact, partial, hash or nullify, got '" + kind + "'");
        }
        if (keepLast != null && !kind.equals("partial")) {
            throw new IllegalArgumentException("keepLast applies to the partial strategy only");
        }
        if (formatPreserving != null && !kind.equals("hash")) {
            throw new IllegalArgumentException("formatPreserving applies to the hash strategy only");
        }
        if (placeholder != null && !kind.equals("redact")) {
            throw new IllegalArgumentException("placeholder applies to the redact strategy only");
        }
        if (keepLast != null && (keepLast < 0 || keepLast > 64)) {
            throw new IllegalArgumentException("keepLast must be between 0 and 64");
        }
    }

    /** Reads the short forms: {@code redact}, {@code partial:2}, {@code hash:format}, ... */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static StrategyConfig parse(String text) {
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split(":", 2);
        String option = parts.length > 1 ? parts[1].strip() : null;
        return switch (parts[0]) {
            case "partial" -> {
                try {
                    yield new StrategyConfig("partial", option == null ? null : Integer.valueOf(option), null, null);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("partial:<number of characters kept>, got '" + text + "'");
                }
            }
            case "hash" -> {
                if (option != null && !option.equals("format")) {
                    throw new IllegalArgumentException("hash or hash:format, got '" + text + "'");
                }
                yield new StrategyConfig("hash", null, option == null ? null : Boolean.TRUE, null);
            }
            case "redact", "nullify" -> {
                if (option != null) {
                    throw new IllegalArgumentException(parts[0] + " takes no option, got '" + text + "'");
                }
                yield new StrategyConfig(parts[0], null, null, null);
            }
            default -> throw new IllegalArgumentException(
                    "strategy must be redact, partial, hash or nullify, got '" + text + "'");
        };
    }

    public static StrategyConfig redact() {
        return new StrategyConfig("redact", null, null, null);
    }

    public static StrategyConfig partial(int keepLast) {
        return new StrategyConfig("partial", keepLast, null, null);
    }

    public static StrategyConfig hash(boolean formatPreserving) {
        return new StrategyConfig("hash", null, formatPreserving, null);
    }

    public static StrategyConfig nullify() {
        return new StrategyConfig("nullify", null, null, null);
    }

    public boolean needsKey() {
        return kind.equals("hash");
    }

    /**
     * @param key the profile's hash key; {@code null} is fine unless this is a hash strategy
     * @param defaultPlaceholder redact's text when none is configured ({@code null}: {@code [ENTITY]})
     */
    public MaskStrategy toStrategy(HashKey key, String defaultPlaceholder) {
        return switch (kind) {
            case "redact" -> new MaskStrategy.Redact(placeholder != null ? placeholder : defaultPlaceholder);
            case "partial" -> new MaskStrategy.Partial(keepLast != null ? keepLast : DEFAULT_KEEP_LAST);
            case "hash" -> {
                if (key == null) {
                    throw new IllegalArgumentException("the hash strategy needs a hash key: configure one for the profile");
                }
                yield new MaskStrategy.Hash(key, Boolean.TRUE.equals(formatPreserving));
            }
            default -> new MaskStrategy.Nullify();
        };
    }
}
