package dev.tracegate.gateway.http;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import java.util.Objects;

/**
 * Header names that carry personal data. A name is a token, and a token may hold digits, dots,
 * hyphens and {@code %}: {@code X-Card-4111-1111-1111-1111} or {@code X-Seen-ada.lovelace%40example.com}
 * (a debug or cache header named after a customer) passed a masked caller's masking in either
 * direction, and reached the evidence, until 2026-12-07: only header values were read.
 */
final class HeaderNames {

    /** Read under a column no name hint matches: a name is no hint about itself. */
    private static final ColumnRef NEUTRAL = ColumnRef.expression("header");

    private HeaderNames() {
    }

    /**
     * Whether the detectors find personal data in {@code name}; when they do, the finds and a
     * redaction are counted at {@code location}. A name masked is no name a reader could use, so
     * the caller leaves such a header out.
     */
    static boolean holdPersonalData(Masker masker, String name, String location, MaskingReport report) {
        if (!mayHoldAValue(name)) {
            return false;
        }
        CellResult masked = masker.maskText(NEUTRAL, name, new MaskingReport());
        if (!masked.changed()) {
            return false;
        }
        report.record(location, masked);
        report.fallback(location, FallbackReason.UNMASKABLE, FallbackAction.REDACT);
        return true;
    }

    /** The name as the evidence keeps it: what the detectors find masked ({@code x-card-[CARD]}), else as sent. */
    static String recorded(Masker masker, String name) {
        if (!mayHoldAValue(name)) {
            return name;
        }
        CellResult masked = masker.maskText(NEUTRAL, name, new MaskingReport());
        return masked.changed() ? Objects.toString(masked.value(), "[REDACTED]") : name;
    }

    /**
     * Whether a name may hold a value the detectors find: each (a card, a phone number, an address
     * with its {@code @} percent-encoded or written {@code _at_} before a dotted domain, a key)
     * holds a digit, a dot or a {@code %}; ordinary names ({@code Content-Type}, {@code X-Request-Id})
     * hold none and cost one look at their characters.
     */
    private static boolean mayHoldAValue(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= '0' && c <= '9' || c == '.' || c == '%') {
                return true;
            }
        }
        return false;
    }
}
