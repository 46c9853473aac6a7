package dev.tracegate.gateway.mysql;

import dev.tracegate.wire.mysql.ErrPacket;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a masked caller and the evidence read of a MySQL integrity error (SQLSTATE class 23).
 * MySQL and MariaDB quote the stored key in the message itself ({@code Duplicate entry '2-Ada
 * Lovelace' for key 'tenant_name'}), and a write need not touch a protected column to break a
 * unique key that holds one: moving a person to another tenant quotes their name. PostgreSQL puts
 * such a key in an error's detail, which is withheld the same way. Class 23 errors known to name
 * only columns and constraints keep their text; any other's message is withheld, keeping its
 * code, SQLSTATE and the key's name, so a client still tells a duplicate from other failures.
 */
final class IntegrityErrorText {

    /**
     * Class 23 errors whose text names columns, tables and constraints but no value: a column
     * that cannot be NULL (1048), an ambiguous column (1052), foreign keys (1216, 1217, 1451,
     * 1452, which quote the constraint's definition) and CHECK constraints (3819, MariaDB's 4025).
     */
    private static final Set<Integer> NAMES_ONLY = Set.of(1048, 1052, 1216, 1217, 1451, 1452, 3819, 4025);
    /** The server's English text of 1062 and 1586: what is between the first and last quotes of the entry is the key's value. */
    private static final Pattern DUPLICATE_ENTRY = Pattern.compile("Duplicate entry '.*' for key '([^']*)'", Pattern.DOTALL);

    private IntegrityErrorText() {
    }

    /** Whether {@code error}'s message may quote stored values of a row or key. */
    static boolean quotesStoredValues(ErrPacket error) {
        return error.sqlState() != null && error.sqlState().startsWith("23") && !NAMES_ONLY.contains(error.code());
    }

    /** The message without the values it quotes. */
    static String withheld(ErrPacket error) {
        Matcher duplicate = DUPLICATE_ENTRY.matcher(error.message());
        String key = duplicate.matches() ? " for key '" + duplicate.group(1) + "'" : "";
        return "tracegate: message withheld (error " + error.code() + ", SQLSTATE " + error.sqlState()
                + ", integrity constraint violation" + key + "): it quotes stored values of the row or key, which"
                + " callers whose results are masked do not see";
    }
}
