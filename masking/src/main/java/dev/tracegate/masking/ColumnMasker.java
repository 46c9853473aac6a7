package dev.tracegate.masking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Masks the values of one result column, with the decision of what to do taken once, when the
 * column is described: the first matching column rule, else a name hint, else a JSON walk for
 * json/jsonb, else a content scan for every type whose text can hold personal data. Immutable and
 * thread-safe.
 *
 * <p>Values are checked against the profile's {@link Limits} before any work: an oversized value
 * costs nothing to refuse, whatever its size.
 */
public final class ColumnMasker {

    private enum Mode { WHOLE, JSON, SCAN, PASS }

    private final MaskingProfile profile;
    private final ColumnRef column;
    private final String location;
    private final String type;
    private final Mode mode;
    private final EntityType entity;
    private final String label;
    private final MaskStrategy strategy;
    private final Map<String, Integer> wholeValueFinding;
    private final JsonMasking json;
    /** For text values that turn out to be JSON documents; made at the first one (shared, like the column masker). */
    private volatile JsonMasking textJson;
    private final ColumnProtection protection;
    private final boolean decidedByName;

    ColumnMasker(MaskingProfile profile, ColumnRef column) {
        this.profile = profile;
        this.column = column;
        this.location = column.location();
        this.type = ColumnTypes.normalise(column.typeName());
        ColumnRule rule = profile.columnRules().stream().filter(r -> r.matches(column, type)).findFirst().orElse(null);
        EntityType hinted = rule == null ? profile.hint(column.table(), column.column()) : null;
        if (rule != null && !rule.json()) {
            mode = Mode.WHOLE;
            entity = rule.entity();
            label = rule.label();
            strategy = rule.strategy();
        } else if (hinted != null) {
            mode = Mode.WHOLE;
            entity = hinted;
            label = hinted.name();
            strategy = profile.strategyFor(hinted);
        } else {
            entity = null;
            label = null;
            strategy = null;
            if (rule != null || ColumnTypes.isJson(type)) {
                mode = Mode.JSON;
            } else if (ColumnTypes.isContentFree(type) || profile.scanner().isEmpty()) {
                mode = Mode.PASS;
            } else {
                mode = Mode.SCAN;
            }
        }
        this.json = mode == Mode.JSON ? new JsonMasking(profile, location) : null;
        this.decidedByName = rule != null || hinted != null;
        this.wholeValueFinding = label == null ? Map.of() : Map.of(label, 1);
        this.protection = protection(rule);
    }

    private ColumnProtection protection(ColumnRule rule) {
        return switch (mode) {
            case WHOLE -> new ColumnProtection(ColumnProtection.Kind.NAMED, entity,
                    rule != null && rule.uses() != null ? rule.uses() : ColumnProtection.defaultUses(strategy));
            case JSON -> new ColumnProtection(ColumnProtection.Kind.CONTENT, null,
                    rule != null && rule.uses() != null ? rule.uses() : Set.of());
            // A float too: a card kept in one and shifted (card_float + 1) or reversed is no card to a detector.
            case SCAN -> new ColumnProtection(ColumnProtection.Kind.CONTENT, null,
                    rule != null && rule.uses() != null ? rule.uses() : Set.of());
            case PASS -> ColumnProtection.NONE;
        };
    }

    /**
     * How the profile protects this column, for checking a masked caller's statement before it
     * runs: masking a result only covers values that reach it unchanged, so what a statement may
     * compute from a protected column is decided up front (docs/masking.md, "Lineage").
     */
    public ColumnProtection protection() {
        return protection;
    }

    public ColumnRef column() {
        return column;
    }

    /** Where the report counts this column's finds: {@code schema.table.column}. */
    public String location() {
        return location;
    }

    /** Whether values of this column can change at all; a relay may skip decoding when not. */
    public boolean mayChangeValues() {
        return mode != Mode.PASS;
    }

    /**
     * Whether a column rule or a name hint decided this column: every value is masked as a whole
     * (or, for a JSON rule, walked as a document), whatever it holds. Otherwise values are only
     * scanned for what the content detectors find, or passed.
     */
    public boolean masksWholeValue() {
        return decidedByName;
    }

    /**
     * Where masking would change {@code value}, span by span in text order, without building the
     * masked value: the whole value for a column rule, a name hint, a JSON walk that changed
     * something or a fallback; each merged find for a content scan. Empty when nothing would
     * change. A recorder that keeps a keyed hash of each original span uses this instead of
     * {@link #mask}. Never refuses: a value the profile would refuse is replaced whole by its
     * fallback reason ({@code [OVERSIZED]}), since a record must say something in its place.
     */
    public List<Replacement> replacements(String value, MaskingReport report) {
        if (value == null || value.isEmpty() || mode == Mode.PASS) {
            return List.of();
        }
        if (mode == Mode.SCAN && !ColumnTypes.isFloat(type) && value.length() <= profile.limits().maxCellChars()) {
            try {
                return scanned(value, report);
            } catch (ScanBudgetExceededException e) {
                return whole(value, FallbackReason.SCAN_BUDGET.name(), null);
            }
        }
        CellResult result;
        try {
            result = mask(value, report);
        } catch (MaskingRefusedException e) {
            return whole(value, e.reason().name(), null);
        }
        if (!result.changed()) {
            return List.of();
        }
        String entityLabel = result.fallback() != null ? result.fallback().name()
                : label != null ? label : String.join("+", result.findings().keySet());
        return whole(value, entityLabel.isEmpty() ? "JSON" : entityLabel, result.value());
    }

    private List<Replacement> scanned(String value, MaskingReport report) {
        List<ContentScanner.Span> spans = profile.scanner().spans(value);
        if (spans.isEmpty()) {
            return List.of();
        }
        List<Replacement> replacements = new ArrayList<>(spans.size());
        Map<String, Integer> findings = new LinkedHashMap<>();
        for (ContentScanner.Span span : spans) {
            findings.merge(span.label(), 1, Integer::sum);
            String text = span.replacement() != null ? span.replacement() : Replacement.placeholder(span.label());
            replacements.add(new Replacement(span.start(), span.end(), span.label(), text));
        }
        report.record(location, new CellResult(value, CellOutcome.MASKED, findings, null));
        return replacements;
    }

    private static List<Replacement> whole(String value, String entityLabel, String replacement) {
        return List.of(new Replacement(0, value.length(), entityLabel,
                replacement != null ? replacement : Replacement.placeholder(entityLabel)));
    }

    /**
     * Masks one value ({@code null} is SQL NULL and stays so) and records what was masked in
     * {@code report}.
     *
     * @throws MaskingRefusedException when the value cannot be scanned and the profile says REFUSE
     */
    public CellResult mask(String value, MaskingReport report) {
        if (value == null || mode == Mode.PASS) {
            return CellResult.unchanged(value);
        }
        if (value.length() > profile.limits().maxCellChars()) {
            return fallback(value, FallbackReason.OVERSIZED, report);
        }
        if (mode == Mode.SCAN && JsonMasking.mayBeDocument(value)) {
            CellResult walked = walkJsonText(value, report);
            if (walked != null) {
                return walked; // the walk counted its finds
            }
        }
        CellResult result = switch (mode) {
            case WHOLE -> masked(strategy.apply(value, entity), wholeValueFinding);
            case SCAN -> scan(value, report);
            case JSON -> walkJson(value, report);
            case PASS -> CellResult.unchanged(value);
        };
        if (mode != Mode.JSON && result != null) {
            report.record(location, result);
        }
        return result;
    }

    /**
     * Masks one value given as UTF-8 bytes, as PostgreSQL sends text-format cells. When the result
     * is UNCHANGED or PASSED_UNSCANNED the caller forwards its original bytes; otherwise it sends
     * {@link CellResult#utf8()}. Bytes that are not valid UTF-8 are never decoded with replacement
     * characters: the profile's {@link Limits#invalidUtf8()} decides.
     *
     * @param bytes the buffer holding the cell; {@code null} for SQL NULL
     */
    public CellResult maskUtf8(byte[] bytes, int offset, int length, MaskingReport report) {
        if (bytes == null || mode == Mode.PASS) {
            return CellResult.unchanged(null);
        }
        if (length > profile.limits().maxCellChars()) {
            return fallback(null, FallbackReason.OVERSIZED, report);
        }
        String value = new String(bytes, offset, length, StandardCharsets.UTF_8);
        // The JDK's decoder replaces every malformed sequence with U+FFFD, so a text without one came
        // from valid UTF-8 (an ASCII cell, held as Latin-1, answers without a scan): only a text with
        // one, a repair or a U+FFFD the client wrote, is checked byte by byte.
        if (value.indexOf('\uFFFD') >= 0 && !Utf8.isValid(bytes, offset, length)) {
            return fallback(null, FallbackReason.INVALID_UTF8, report);
        }
        CellResult result = mask(value, report);
        return result.changed() ? result : CellResult.unchanged(null);
    }

    /**
     * A value that is a line of a private key block an earlier value of this column opened ({@link
     * KeyBlockAcrossValues}): masked whole as a secret, whatever a scan of it alone would find.
     */
    public CellResult maskKeyLine(String value, MaskingReport report) {
        return maskWholeAs(value, EntityType.SECRET, report);
    }

    /**
     * A value that is part of something other values complete ({@link SplitAcrossCells}: a key a row
     * splits across its cells, a value a cell before it names): masked whole as {@code entity},
     * whatever a scan of it alone would find.
     */
    public CellResult maskWholeAs(String value, EntityType entity, MaskingReport report) {
        CellResult result = masked(profile.strategyFor(entity).apply(value, entity), Map.of(entity.name(), 1));
        report.record(location, result);
        return result;
    }

    /** Whether values of this column are scanned by the content detectors (no rule or hint decided it, no JSON walk). */
    public boolean scansContent() {
        return mode == Mode.SCAN;
    }

    /**
     * The answer for a value of this column that arrived in a form the masker cannot read (a
     * binary-format cell of a type with no text decoding): the profile's {@link Limits#unmaskable()},
     * NULL or passed through, and reported. Columns that never change values pass.
     */
    public CellResult unreadable(MaskingReport report) {
        if (mode == Mode.PASS) {
            return CellResult.unchanged(null);
        }
        boolean pass = profile.limits().unmaskable() == FallbackAction.PASS;
        CellResult result = new CellResult(null, pass ? CellOutcome.PASSED_UNSCANNED : CellOutcome.FALLBACK, Map.of(),
                FallbackReason.UNMASKABLE);
        report.record(location, result);
        return result;
    }

    private CellResult scan(String value, MaskingReport report) {
        String scanned = ColumnTypes.isFloat(type) ? WholeNumber.digitsOf(value) : value;
        if (scanned == null) {
            return CellResult.unchanged(value); // a fraction, or no number at all (NaN, Infinity)
        }
        ContentScanner.Outcome outcome;
        try {
            outcome = profile.scanner().scan(scanned);
        } catch (ScanBudgetExceededException e) {
            return fallback(value, FallbackReason.SCAN_BUDGET, report);
        }
        return outcome == null ? CellResult.unchanged(value) : masked(outcome.masked(), outcome.findings());
    }

    /**
     * A text value that is a JSON document (a {@code text} column holding a payload, an event, a
     * tool call's arguments) is masked as JSON, so that its field names count; null when it is
     * not JSON after all (then it is scanned as text).
     */
    private CellResult walkJsonText(String value, MaskingReport report) {
        JsonMasking walker = textJson;
        if (walker == null) {
            walker = new JsonMasking(profile, location);
            textJson = walker;
        }
        MaskingReport tentative = new MaskingReport();
        JsonMasking.Result walked;
        try {
            walked = walker.maskCell(value, tentative);
        } catch (MaskingRefusedException e) {
            return e.reason() == FallbackReason.INVALID_JSON ? null : fallback(value, e.reason(), report);
        }
        report.add(tentative);
        if (walked.masked() == null) {
            return CellResult.unchanged(value);
        }
        return new CellResult(fit(walked.masked()), CellOutcome.MASKED, walked.findings(), null);
    }

    private CellResult walkJson(String value, MaskingReport report) {
        JsonMasking.Result walked;
        try {
            walked = json.maskCell(value, report);
        } catch (MaskingRefusedException e) {
            return fallback(value, e.reason(), report);
        }
        if (walked.masked() == null) {
            return CellResult.unchanged(value);
        }
        return new CellResult(walked.masked(), CellOutcome.MASKED, walked.findings(), null);
    }

    private CellResult masked(String replacement, Map<String, Integer> findings) {
        return new CellResult(fit(replacement), CellOutcome.MASKED, findings, null);
    }

    /** Keeps the replacement a valid value of the column's type: NULL when it cannot be, a JSON string in JSON columns. */
    private String fit(String replacement) {
        if (replacement == null) {
            return null;
        }
        if (ColumnTypes.isJson(type)) {
            return JsonMasking.quote(replacement);
        }
        return ColumnTypes.fit(type, replacement);
    }

    private CellResult fallback(String original, FallbackReason reason, MaskingReport report) {
        FallbackAction action = reason == FallbackReason.INVALID_UTF8
                ? profile.limits().invalidUtf8() : profile.limits().overLimit();
        CellResult result = switch (action) {
            case REDACT -> new CellResult(fit("[" + reason.name() + "]"), CellOutcome.FALLBACK, Map.of(), reason);
            case NULLIFY -> new CellResult(null, CellOutcome.FALLBACK, Map.of(), reason);
            case PASS -> new CellResult(original, CellOutcome.PASSED_UNSCANNED, Map.of(), reason);
            case REFUSE -> {
                report.fallback(location, reason, FallbackAction.REFUSE);
                throw new MaskingRefusedException(reason, location, describe(reason));
            }
        };
        report.record(location, result);
        return result;
    }

    static String describe(FallbackReason reason) {
        return switch (reason) {
            case OVERSIZED -> "value longer than the scanning limit";
            case SCAN_BUDGET -> "value needs more detection work than its budget";
            case INVALID_UTF8 -> "value is not valid UTF-8";
            case INVALID_JSON -> "value is not valid JSON";
            case TOO_DEEP -> "JSON nested deeper than the limit";
            case UNMASKABLE -> "value in a form the masker cannot read";
        };
    }

    @Override
    public String toString() {
        return "ColumnMasker[" + location + " " + mode + (entity != null ? " " + entity + " " + strategy : "") + "]";
    }
}
