package dev.tracegate.gateway.postgres.results;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Free text the server sends besides result rows, as a masked caller may see it: the fields of
 * errors and notices, notification channels and payloads, reported parameter values. Such text
 * has no table or type, so only the profile's content detectors apply, as to an expression column.
 */
public final class ServerTextMasking {

    /** Where the report counts finds in error and notice fields. */
    public static final String SERVER_MESSAGE = "server message";
    /**
     * Error and notice fields that cannot hold data: severity, SQLSTATE, positions and the server's
     * source location. Every other field is scanned, unknown future ones included: the message,
     * detail, hint and context quote values, the internal query ('q') can hold a literal a function
     * built from data, and object names ('s', 't', 'c', 'd', 'n') are whatever a caller named them.
     */
    private static final Set<Character> FIXED_FIELDS = Set.of('S', 'V', 'C', 'P', 'p', 'F', 'L', 'R');
    private static final String WITHHELD = "(withheld)";

    private final Masker masker;

    public ServerTextMasking(Masker masker) {
        this.masker = masker;
    }

    /** An ErrorResponse's or NoticeResponse's fields; the same map when nothing changed. */
    public Map<Character, String> fields(Map<Character, String> fields, MaskingReport report) {
        Map<Character, String> masked = null;
        for (Map.Entry<Character, String> field : fields.entrySet()) {
            if (FIXED_FIELDS.contains(field.getKey())) {
                continue;
            }
            String text = text(SERVER_MESSAGE, field.getValue(), report);
            if (!text.equals(field.getValue())) {
                if (masked == null) {
                    masked = new LinkedHashMap<>(fields);
                }
                masked.put(field.getKey(), text);
            }
        }
        return masked == null ? fields : masked;
    }

    /**
     * One text as the caller may see it; a value the profile nullifies becomes {@value #WITHHELD}
     * (protocol strings cannot be NULL).
     *
     * @param location where the report counts what was found
     */
    public String text(String location, String text, MaskingReport report) {
        CellResult result = masker.forColumn(ColumnRef.expression(location)).mask(text, report);
        if (!result.changed()) {
            return text;
        }
        return result.value() == null ? WITHHELD : result.value();
    }
}
