package dev.tracegate.masking;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The masking engine for one {@link MaskingProfile}. Immutable and thread-safe: build it once per
 * profile and share it.
 *
 * <p>For a result set, call {@link #forColumn} once per column when the row description arrives,
 * then {@link ColumnMasker#mask} or {@link ColumnMasker#maskUtf8} per cell. For an HTTP body, use
 * {@link #json(String)}.
 */
public final class Masker {

    private final MaskingProfile profile;
    /**
     * One JSON rewriter per location, built on first use: a rewriter owns a Jackson factory (and
     * its field-name tables), too costly to build per HTTP body. Callers name a handful of fixed
     * locations ({@code request.body}, {@code response.body}), so the map stays that small.
     */
    private final Map<String, JsonMasking> jsonByLocation = new ConcurrentHashMap<>();
    /**
     * Each column's decision, remembered: a gateway builds a {@link ColumnMasker} for every column
     * of every result, and the same columns come back statement after statement. The decision
     * depends on the profile and the whole {@link ColumnRef} (type included) alone, and a
     * ColumnMasker is immutable, so sharing one changes nothing. Bounded: result columns are named
     * by clients (aliases), so past {@link #REMEMBERED_COLUMNS} new columns are decided every time.
     */
    private final Map<ColumnRef, ColumnMasker> columns = new ConcurrentHashMap<>();
    private static final int REMEMBERED_COLUMNS = 4_096;

    public Masker(MaskingProfile profile) {
        this.profile = profile;
    }

    public MaskingProfile profile() {
        return profile;
    }

    /** Decides once what happens to every value of {@code column}: rule, hint, JSON walk, content scan or nothing. */
    public ColumnMasker forColumn(ColumnRef column) {
        ColumnMasker known = columns.get(column);
        if (known != null) {
            return known;
        }
        ColumnMasker decided = new ColumnMasker(profile, column);
        if (columns.size() < REMEMBERED_COLUMNS) {
            columns.putIfAbsent(column, decided);
        }
        return decided;
    }

    /**
     * A column that has other names besides the one a result describes, decided by whichever name
     * protects it more (its own on a tie): a partition's or inheritance child's column is also its
     * ancestors' ({@code customers.email} for {@code customers_2024.email}; rules are written for the
     * parent, but a caller can read a partition by its own name), and a column of a domain type is
     * also of the domain (PostgreSQL describes the base type; a rule may name the domain).
     */
    public ColumnMasker forColumn(ColumnRef column, List<ColumnRef> otherNames) {
        ColumnMasker strongest = forColumn(column);
        for (ColumnRef otherName : otherNames) {
            ColumnMasker candidate = forColumn(otherName);
            if (candidate.protection().strongerThan(strongest.protection())) {
                strongest = candidate;
            }
        }
        return strongest;
    }

    int rememberedColumns() {
        return columns.size();
    }

    /** One value of {@code column}; prefer {@link #forColumn} when masking many. */
    public CellResult maskText(ColumnRef column, String value, MaskingReport report) {
        return forColumn(column).mask(value, report);
    }

    /**
     * A JSON rewriter for documents that are not cells, such as HTTP bodies; {@code location}
     * prefixes the report's paths ({@code response.body} gives {@code response.body:$.user.email}).
     */
    public JsonMasking json(String location) {
        return jsonByLocation.computeIfAbsent(location, at -> new JsonMasking(profile, at));
    }
}
