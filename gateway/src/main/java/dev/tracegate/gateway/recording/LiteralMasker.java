package dev.tracegate.gateway.recording;

import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.Replacement;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Decides what of one value a client wrote is masked in the record: a literal's contents, a bind
 * parameter, a comment, a part of a request line. Credentials always go (the gateway's own secret
 * detector); with a record profile, whatever its detectors find and, for a value bound for a
 * protected column, the whole value.
 *
 * <p>A value may itself be SQL: a DO block's body, a function's body, text a function runs. So a
 * replacement never crosses what the SQL lexer sees inside the value: the contents of each
 * nested comment, quoted string and dollar quote, and each run of code between them and between
 * semicolons, are scanned on their own. A replacement that would write a quote, a dollar, a
 * semicolon, a comment mark or a line break becomes the entity's placeholder. The one span that
 * may cross is a private key block, whose shape (base64 lines) the detector checks and in which
 * no statement fits; a key pasted into a note is masked whole.
 */
final class LiteralMasker {

    static final String SECRET = EntityType.SECRET.name();

    private static final ColumnRef TEXT = ColumnRef.expression("client text");
    private static final ColumnMasker CREDENTIALS = new Masker(MaskingProfile.from(
            new MaskingConfig(List.of(EntityType.SECRET), null, List.of(), null, null, null, null, null), null))
            .forColumn(TEXT);
    /** Characters that open or close something in SQL: a replacement holding one could change what the text means. */
    private static final String STRUCTURE = "'\"$;\n\r\\";

    /** Decisions kept per name; a text could name any number of columns, so the memory is bounded. */
    private static final int MAX_REMEMBERED = 10_000;

    private final Masker record;
    private final ColumnMasker content;
    private final boolean customDetectors;
    private final Map<ColumnRef, Optional<ColumnMasker>> columns = new ConcurrentHashMap<>();
    private final Map<String, Boolean> columnNames = new ConcurrentHashMap<>();

    /** @param record the policy's record profile, or {@code null} to take out credentials only */
    LiteralMasker(Masker record) {
        this.record = record;
        this.content = record == null ? null : record.forColumn(TEXT);
        this.customDetectors = record != null && record.profile().detectors().stream().anyMatch(d -> d.startsWith("CUSTOM:"));
    }

    boolean masksPersonalData() {
        return record != null;
    }

    /**
     * The record profile's decision for a column, when it masks the column's values whole (a rule
     * or a name hint matched); {@code null} otherwise, or when only credentials are taken out.
     */
    ColumnMasker protectedColumn(ColumnRef column) {
        if (record == null) {
            return null;
        }
        return remembered(columns, column, c -> {
            ColumnMasker masker = record.forColumn(c);
            return Optional.ofNullable(masker.masksWholeValue() ? masker : null);
        }).orElse(null);
    }

    /** Whether some table's column of this name would be masked whole: else where values go does not matter. */
    boolean mayProtectColumnNamed(String name) {
        return record != null && remembered(columnNames, name, n -> record.profile().mayMaskColumnNamed(n));
    }

    /**
     * Whether a number can hold anything a detector finds: only a card number fits in digits
     * alone (13 to 19 of them), unless a custom pattern may match digits.
     */
    boolean mayHoldFindsAsNumber(String number) {
        long digits = number.chars().filter(c -> c >= '0' && c <= '9').count();
        return customDetectors || digits >= 13;
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

    /** A value bound for a protected column: replaced whole, by {@code [SECRET]} when it holds a credential. */
    List<Replacement> whole(String value, ColumnMasker column) {
        if (value.isEmpty()) {
            return List.of();
        }
        if (!CREDENTIALS.replacements(value, new MaskingReport()).isEmpty()) {
            return List.of(new Replacement(0, value.length(), SECRET, Replacement.placeholder(SECRET)));
        }
        return column.replacements(value, new MaskingReport());
    }

    /** A value replaced whole by a fixed placeholder (a credential, a value for a column the statement does not name). */
    static List<Replacement> whole(String value, String entity) {
        return value.isEmpty() ? List.of() : List.of(new Replacement(0, value.length(), entity, Replacement.placeholder(entity)));
    }

    /** Free text that may be SQL: detector finds, each inside one lexical segment of the text. */
    List<Replacement> text(String value) {
        if (value.isEmpty()) {
            return List.of();
        }
        List<Replacement> keys = privateKeys(value);
        List<Replacement> found = new ArrayList<>(keys);
        for (int[] segment : segments(value)) {
            scanAround(value, segment[0], segment[1], keys, found);
        }
        found.sort(Comparator.comparingInt(Replacement::start));
        return found;
    }

    /** A text that is not SQL and has no structure to keep but its own bounds (a comment's contents between marks). */
    List<Replacement> segment(String value, int from, int to) {
        List<Replacement> found = new ArrayList<>();
        scanAround(value, from, to, List.of(), found);
        return found;
    }

    /** Key blocks first: the only finds allowed to cross the text's segments. */
    private static List<Replacement> privateKeys(String value) {
        if (!value.contains("-----BEGIN ")) {
            return List.of();
        }
        return CREDENTIALS.replacements(value, new MaskingReport()).stream()
                .filter(r -> value.startsWith("-----BEGIN ", r.start())).toList();
    }

    private void scanAround(String value, int from, int to, List<Replacement> keys, List<Replacement> out) {
        int start = from;
        for (Replacement key : keys) {
            if (key.end() <= start || key.start() >= to) {
                continue;
            }
            scan(value, start, Math.min(key.start(), to), out);
            start = Math.max(start, key.end());
        }
        scan(value, start, to, out);
    }

    private void scan(String value, int from, int to, List<Replacement> out) {
        if (to <= from) {
            return;
        }
        String part = value.substring(from, to);
        List<Replacement> secrets = CREDENTIALS.replacements(part, new MaskingReport());
        List<Replacement> personal = content == null ? List.of() : content.replacements(part, new MaskingReport());
        for (Replacement r : merged(secrets, personal)) {
            out.add(r.shifted(from));
        }
    }

    /** Overlapping finds of the two scans become one span; a credential's placeholder wins. */
    private static List<Replacement> merged(List<Replacement> secrets, List<Replacement> personal) {
        if (personal.isEmpty()) {
            return safe(secrets);
        }
        if (secrets.isEmpty()) {
            return safe(personal);
        }
        List<Replacement> all = new ArrayList<>(secrets);
        all.addAll(personal);
        all.sort(Comparator.comparingInt(Replacement::start));
        List<Replacement> merged = new ArrayList<>();
        Replacement current = all.getFirst();
        for (Replacement next : all.subList(1, all.size())) {
            if (next.start() < current.end()) {
                String entity = current.entity().equals(SECRET) || next.entity().equals(SECRET) ? SECRET : current.entity();
                current = new Replacement(current.start(), Math.max(current.end(), next.end()), entity,
                        Replacement.placeholder(entity));
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        return safe(merged);
    }

    /** Replacements that could change how SQL around them reads become their entity's placeholder. */
    private static List<Replacement> safe(List<Replacement> replacements) {
        List<Replacement> safe = new ArrayList<>(replacements.size());
        for (Replacement r : replacements) {
            boolean risky = r.text().chars().anyMatch(c -> STRUCTURE.indexOf(c) >= 0)
                    || r.text().contains("--") || r.text().contains("/*") || r.text().contains("*/");
            safe.add(risky ? new Replacement(r.start(), r.end(), r.entity(), Replacement.placeholder(r.entity())) : r);
        }
        return safe;
    }

    /**
     * The parts of {@code value} scanned on their own, as [start, end): the contents of each nested
     * comment (split at inner comment marks), quoted string and dollar quote, and each run of code
     * between them and between semicolons. Delimiters belong to no part, so no replacement touches them.
     */
    static List<int[]> segments(String value) {
        if (value.chars().noneMatch(c -> "'\"$-/;".indexOf(c) >= 0)) {
            return List.of(new int[] {0, value.length()}); // nothing nested can start: one part
        }
        List<int[]> segments = new ArrayList<>();
        int runStart = -1;
        int runEnd = -1;
        for (SqlToken token : SqlLexer.lex(value).tokens()) {
            boolean code = token.kind() != SqlToken.Kind.COMMENT && !token.isStringLiteral()
                    && token.kind() != SqlToken.Kind.SEMICOLON;
            if (code) {
                runStart = runStart < 0 ? token.start() : runStart;
                runEnd = token.end();
                continue;
            }
            if (runStart >= 0) {
                segments.add(new int[] {runStart, runEnd});
                runStart = -1;
            }
            segments.addAll(LiteralSpelling.contents(value, token));
        }
        if (runStart >= 0) {
            segments.add(new int[] {runStart, runEnd});
        }
        return segments;
    }
}
