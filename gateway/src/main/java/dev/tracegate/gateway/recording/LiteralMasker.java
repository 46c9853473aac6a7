package dev.tracegate.gateway.recording;

import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.Replacement;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.policy.sql.LiteralTargets;
import dev.tracegate.policy.sql.LiteralTargets.Target;
import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

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
    /** Characters without which a text holds nothing nested: no comment, quote, dollar quote or statement boundary. */
    private static final String NESTING = "'\"$-/;";
    private static final Pattern PLAIN_NUMBER = Pattern.compile("-?[0-9]{1,12}(\\.[0-9]+)?");
    static final String UNNAMED_COLUMN = "VALUE";
    /** Words of statements that send values to columns, or set a role's password. */
    private static final Set<String> WRITING = Set.of("insert", "update", "merge", "where", "values", "role", "user", "mapping");

    private final ProtectedColumns columns;
    private final ColumnMasker content;
    private final boolean customDetectors;

    /** @param record the policy's record profile, or {@code null} to take out credentials only */
    LiteralMasker(Masker record) {
        this.columns = new ProtectedColumns(record);
        this.content = record == null ? null : record.forColumn(TEXT);
        this.customDetectors = record != null && record.profile().detectors().stream().anyMatch(d -> d.startsWith("CUSTOM:"));
    }

    /** Which columns the record profile protects. */
    ProtectedColumns columns() {
        return columns;
    }

    /**
     * Whether a number can hold anything a detector finds: only a card number fits in digits
     * alone (13 to 19 of them), unless a custom pattern may match digits.
     */
    boolean mayHoldFindsAsNumber(String number) {
        if (customDetectors) {
            return true;
        }
        int digits = 0; // a loop, not a stream: this runs for every number of every statement recorded
        for (int i = 0; i < number.length() && digits < 13; i++) {
            char c = number.charAt(i);
            digits += c >= '0' && c <= '9' ? 1 : 0;
        }
        return digits >= 13;
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

    /**
     * Where a value goes, as far as its masking is concerned: a credential, a protected column
     * (with its masker), a column the statement does not name, or none of these. It depends on the
     * statement's shape, not on the value, so a {@link RedactionPlan} decides it once per literal.
     */
    record Destination(boolean credential, ColumnMasker column, boolean unnamed) {
        static final Destination NOWHERE = new Destination(false, null, false);
    }

    /** Where a value with these targets goes (the first credential or protected column among them wins). */
    Destination destination(List<Target> targets, boolean analysed) {
        boolean unnamed = !analysed;
        for (Target target : targets) {
            switch (target.kind()) {
                case CREDENTIAL -> {
                    return new Destination(true, null, unnamed);
                }
                case UNLISTED_COLUMN -> unnamed = true;
                case COLUMN -> {
                    ColumnMasker column = columns.protectedColumn(ColumnRef.of(target.schema(), target.table(), target.column(), null));
                    if (column != null) {
                        return new Destination(false, column, unnamed);
                    }
                }
            }
        }
        return unnamed ? new Destination(false, null, true) : Destination.NOWHERE;
    }

    /**
     * Where a statement sends a value decides it: bound for a protected column, it is masked whole
     * with the column's strategy; a credential, or a value for a column the statement does not
     * name (an INSERT without a column list, an analysis cut short), is masked whole by a
     * placeholder, unless it is a plain number. {@code null} when where it goes changes nothing.
     */
    List<Replacement> byTarget(String value, List<Target> targets, boolean analysed) {
        return byDestination(value, destination(targets, analysed));
    }

    private List<Replacement> byDestination(String value, Destination destination) {
        if (destination.credential()) {
            return whole(value, SECRET);
        }
        if (destination.column() != null) {
            return safe(whole(value, destination.column()));
        }
        if (destination.unnamed() && content != null && !PLAIN_NUMBER.matcher(value).matches()) {
            return whole(value, UNNAMED_COLUMN);
        }
        return null;
    }

    /** What to replace in a literal's or parameter's value, given where the statement sends it. */
    List<Replacement> literal(String value, Destination destination, boolean number) {
        List<Replacement> byDestination = byDestination(value, destination);
        if (byDestination != null) {
            return byDestination;
        }
        if (number && !mayHoldFindsAsNumber(value)) {
            return List.of(); // most numbers: nothing a detector finds fits in them
        }
        return text(value);
    }

    /**
     * Free text that may be SQL: detector finds, each inside one lexical segment of the text; and
     * when the text is SQL that writes values into protected columns (an INSERT in a DO block's
     * body), those values masked whole, as in a statement.
     */
    List<Replacement> text(String value) {
        if (value.isEmpty()) {
            return List.of();
        }
        List<Replacement> keys = privateKeys(value);
        List<Replacement> found = new ArrayList<>(keys);
        if (value.chars().noneMatch(c -> NESTING.indexOf(c) >= 0)) {
            scanAround(value, 0, value.length(), keys, found); // nothing nested can start: one part
        } else {
            List<SqlToken> tokens = SqlLexer.lex(value).tokens();
            // Text that is code writes values with a statement; a note or a connection string does not.
            boolean statement = tokens.stream().anyMatch(t -> WRITING.contains(t.word()));
            LiteralTargets targets = statement && columns.mayTarget(tokens) ? LiteralTargets.of(tokens) : LiteralTargets.NONE;
            for (Segment segment : segments(value, tokens, targets)) {
                List<Replacement> whole = segment.token() < 0 || overlaps(keys, segment) ? null : byTarget(
                        value.substring(segment.start(), segment.end()), targets.forToken(segment.token()), targets.complete());
                if (whole == null) {
                    scanAround(value, segment.start(), segment.end(), keys, found);
                } else {
                    whole.forEach(r -> found.add(r.shifted(segment.start())));
                }
            }
        }
        found.sort(Comparator.comparingInt(Replacement::start));
        return found;
    }

    private static boolean overlaps(List<Replacement> keys, Segment segment) {
        return keys.stream().anyMatch(k -> k.start() < segment.end() && k.end() > segment.start());
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
     * One part of a text scanned on its own, [start, end); {@code token} is the index of the
     * nested literal it is the contents of (or of a number its statement sends somewhere), -1 for
     * comments and runs of code.
     */
    record Segment(int start, int end, int token) {
    }

    /**
     * The parts of {@code value} scanned on their own: the contents of each nested comment (split
     * at inner comment marks), quoted string and dollar quote, each number the text sends to a
     * column, and each run of code between them and between semicolons. Delimiters belong to no
     * part, so no replacement touches them.
     */
    static List<Segment> segments(String value, List<SqlToken> tokens, LiteralTargets targets) {
        List<Segment> segments = new ArrayList<>();
        int runStart = -1;
        int runEnd = -1;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            boolean ownPart = token.kind() == SqlToken.Kind.COMMENT || token.isStringLiteral()
                    || token.kind() == SqlToken.Kind.SEMICOLON
                    || token.kind() == SqlToken.Kind.NUMBER && !targets.forToken(i).isEmpty();
            if (!ownPart) {
                runStart = runStart < 0 ? token.start() : runStart;
                runEnd = token.end();
                continue;
            }
            if (runStart >= 0) {
                segments.add(new Segment(runStart, runEnd, -1));
                runStart = -1;
            }
            if (token.kind() == SqlToken.Kind.NUMBER) {
                segments.add(new Segment(token.start(), token.end(), i));
            } else {
                int index = token.kind() == SqlToken.Kind.COMMENT ? -1 : i;
                for (int[] part : LiteralSpelling.contents(value, token)) {
                    segments.add(new Segment(part[0], part[1], index));
                }
            }
        }
        if (runStart >= 0) {
            segments.add(new Segment(runStart, runEnd, -1));
        }
        return segments;
    }
}
