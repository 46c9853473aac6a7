package dev.tracegate.gateway.postgres;

import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.PreparedText;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The class of each prepared statement a session's SQL can run by name ({@code EXECUTE name}).
 * PostgreSQL keeps one namespace for statements prepared by SQL {@code PREPARE} and by the
 * extended protocol's Parse, so each can be run, and removed, by the other's means: a Parse or a
 * Close changes what {@code EXECUTE name} runs, and {@code DEALLOCATE name} what a Bind may use.
 * A name the gateway cannot account for has no class here, and running it is UNKNOWN (high risk).
 */
final class PreparedStatementNames {

    private static final Pattern DEALLOCATE_ONE = Pattern.compile(
            "(?is)\\s*deallocate\\s+(?:prepare\\s+)?(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)\\s*;?\\s*");

    /** PostgreSQL's NAMEDATALEN - 1: names are cut to this many bytes. */
    private static final int MAX_NAME_BYTES = 63;

    private final Map<String, PreparedText> classes = new HashMap<>();

    /** The statement prepared as {@code name} (class, tables, text), as {@code EXECUTE name} looks it up. */
    Optional<PreparedText> prepared(String name) {
        return Optional.ofNullable(classes.get(key(name)));
    }

    /** What a query that went to the server prepares or removes: {@code PREPARE}, {@code DEALLOCATE}, {@code DISCARD}. */
    void ran(ClassifiedStatement statement) {
        // PostgreSQL refuses to PREPARE a name that exists and keeps the first statement; whether the
        // first still exists (a DEALLOCATE the gateway could not follow) is not known: both count.
        statement.prepares().ifPresent(name -> classes.merge(key(name), PreparedText.of(statement),
                PreparedText::orRiskier));
        String command = statement.command() == null ? "" : statement.command().toUpperCase(Locale.ROOT);
        if (command.startsWith("DISCARD") || command.equals("DEALLOCATE ALL")) {
            classes.clear();
        } else if (command.startsWith("DEALLOCATE")) {
            Matcher one = DEALLOCATE_ONE.matcher(statement.text());
            if (one.matches()) {
                classes.remove(key(named(one.group(1))));
            } else {
                classes.clear(); // a spelling not read here: every name is unaccounted for, so unknown
            }
        }
    }

    /** A Parse of a named statement: {@code EXECUTE name} now runs it (or, refused, nothing the gateway knows). */
    void parsed(String name, PreparedText statement, boolean admitted) {
        if (name.isEmpty()) {
            return; // the unnamed statement cannot be run by SQL
        }
        if (admitted && statement != null) {
            classes.merge(key(name), statement, PreparedText::orRiskier); // a Parse of a name that exists fails
        } else {
            classes.remove(key(name));
        }
    }

    /** A Close of a named statement. */
    void closed(String name) {
        classes.remove(key(name));
    }

    /**
     * How the gateway rules and records a Bind/Execute of {@code name}, a statement it did not see
     * parsed (one prepared by SQL): as the {@code EXECUTE} of it.
     */
    static String asExecute(String name) {
        return "EXECUTE " + (name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"");
    }

    /**
     * A name as PostgreSQL keys it: exactly as the classifier reports it (unquoted words folded to
     * lower case, quoted identifiers as written), the first 63 bytes of it (NAMEDATALEN), so that
     * {@code "DEL"} and {@code del}, different statements, are never one entry, and a name longer
     * than PostgreSQL keeps is the statement PostgreSQL runs by its first 63 bytes.
     */
    private static String key(String name) {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= MAX_NAME_BYTES) {
            return name;
        }
        int end = MAX_NAME_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // PostgreSQL cuts at a character boundary
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A name as written in DEALLOCATE: quoted as written, unquoted folded to lower case. */
    private static String named(String written) {
        return written.startsWith("\"") ? written.substring(1, written.length() - 1).replace("\"\"", "\"")
                : written.toLowerCase(Locale.ROOT);
    }
}
