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
    /** Schema, table, column, data type and constraint names: catalog names, not values. */
    private static final Set<Character> OBJECT_NAMES = Set.of('s', 't', 'c', 'd', 'n');
    private static final String WITHHELD = "(withheld)";
    /**
     * What a masked caller reads instead of an integrity violation's detail: PostgreSQL quotes the
     * stored row or key there ({@code Failing row contains (...)}, {@code Key (tenant, name)=(...)
     * already exists}), whole and in clear, and content detectors cannot find a name or a birth date.
     */
    static final String CONSTRAINT_DETAIL_WITHHELD = "tracegate: detail withheld: it quotes stored values of the"
            + " row or key, which callers whose results are masked do not see";

    private final Masker masker;

    public ServerTextMasking(Masker masker) {
        this.masker = masker;
    }

    /**
     * The fields of an ErrorResponse or NoticeResponse of a command that may compute on protected
     * values: the message says only what kind of error it was, the detail, hint, context and
     * internal query are dropped. PostgreSQL quotes the value a cast or function failed on, in
     * every SQLSTATE class and in every text field, quoted or not ({@code invalid input syntax for
     * type integer: "Ada Lovelace"}, {@code unrecognized configuration parameter "..."}, {@code date
     * field value out of range: 2000-65-01}, JSON's {@code Where: JSON data, line 1: Ada...}), and
     * a name or birth date has no shape the content detectors find. Severity, SQLSTATE, position
     * and the server's source location stay, and so do object names (scanned as before).
     */
    public Map<Character, String> withheldFields(Map<Character, String> fields, MaskingReport report) {
        return withheld(fields, WithheldMessage.of(fields.get('C')), report);
    }

    private Map<Character, String> withheld(Map<Character, String> fields, String message, MaskingReport report) {
        Map<Character, String> kept = new LinkedHashMap<>();
        for (Map.Entry<Character, String> field : fields.entrySet()) {
            char code = field.getKey();
            if (FIXED_FIELDS.contains(code)) {
                kept.put(code, field.getValue());
            } else if (OBJECT_NAMES.contains(code)) {
                kept.put(code, text(SERVER_MESSAGE, field.getValue(), report));
            } else if (code == 'M') {
                kept.put(code, message);
            }
        }
        if (!kept.containsKey('M')) {
            kept.put('M', message);
        }
        return kept;
    }

    /**
     * An ErrorResponse's or NoticeResponse's fields; the same map when nothing changed. A message
     * raised inside code of the database is withheld as {@link #withheldFields} withholds one.
     */
    public Map<Character, String> fields(Map<Character, String> fields, MaskingReport report) {
        if (raisedInCode(fields)) {
            return withheld(fields, WithheldMessage.raisedInCode(fields.get('C')), report);
        }
        Map<Character, String> masked = null;
        boolean quotesStoredRows = quotesStoredRows(fields.get('C'));
        for (Map.Entry<Character, String> field : fields.entrySet()) {
            if (FIXED_FIELDS.contains(field.getKey())) {
                continue;
            }
            String text = quotesStoredRows && field.getKey() == 'D' ? CONSTRAINT_DETAIL_WITHHELD
                    : text(SERVER_MESSAGE, field.getValue(), report);
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
     * Whether code of the database raised the message: a trigger's or function's {@code RAISE}
     * (the server's routine {@code exec_stmt_raise}), or any message with a context, which the
     * server adds for errors and notices inside a PL/pgSQL or SQL function ({@code PL/pgSQL function
     * f() line 3 at RAISE}), and for input it was reading (a COPY line, a JSON literal). Such code
     * runs for statements that name no protected column (a row trigger on {@code UPDATE t SET status
     * = ...}, a column default, a deferred trigger at {@code COMMIT}) and may quote any row it read
     * ({@code RAISE NOTICE 'status of % changed', NEW.name}), in a shape no detector finds. The
     * routine and the context's presence are set by the server, not by the code, and are the same
     * in every language the server speaks; a context on a message about input the caller wrote
     * costs that caller the text too.
     */
    private static boolean raisedInCode(Map<Character, String> fields) {
        return fields.containsKey('W') || "exec_stmt_raise".equals(fields.get('R'));
    }

    /**
     * Integrity constraint violations (class 23: not-null, check, unique, foreign key, exclusion,
     * and a partition's constraint) and WITH CHECK OPTION violations (44000) put the failing row or
     * key in their detail; the caller's write needs touch no protected column for it to name one
     * ({@code UPDATE customers SET id = NULL} shows the whole row). The message names only the
     * relation, column and constraint, so it stays.
     */
    private static boolean quotesStoredRows(String sqlState) {
        return sqlState != null && (sqlState.startsWith("23") || sqlState.equals("44000"));
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
