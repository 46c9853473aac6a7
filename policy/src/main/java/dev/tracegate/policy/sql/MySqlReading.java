package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * One way a MySQL or MariaDB server could read a text: whether backslashes escape in strings
 * (off under {@code sql_mode} NO_BACKSLASH_ESCAPES), whether {@code "} quotes identifiers (ANSI_QUOTES),
 * and which executable comments run: on MariaDB or MySQL, of a version up to {@code serverVersion}.
 * The gateway knows none of these for sure (a server's default {@code sql_mode} is its own
 * configuration), so the classifier reads a text every way that changes its tokens and keeps the
 * riskiest result.
 */
record MySqlReading(boolean backslashEscapes, boolean ansiQuotes, boolean mariaDb, int serverVersion) {

    /** The first reading of a text: the session's string mode, every executable comment running. */
    static MySqlReading first(boolean backslashEscapes) {
        return new MySqlReading(backslashEscapes, false, true, Integer.MAX_VALUE);
    }

    /** Whether an executable comment runs: {@code /*!} always, a version up to the server's, {@code /*M!} only on MariaDB. */
    boolean runs(boolean mariaDbOnly, boolean versioned, int version) {
        return (!mariaDbOnly || mariaDb) && (!versioned || version <= serverVersion);
    }

    /**
     * Every reading worth lexing a text in: {@code escapes} (the string modes the session may have),
     * both quote modes if the text has a double quote, and one server per version gate met (a gate runs on every server at or above
     * its version, so the servers just below each gate, and below all of them, cover every set of
     * gates that can run together), MySQL and MariaDB apart if a comment runs on MariaDB only.
     */
    static List<MySqlReading> all(String sql, List<Boolean> escapes, SortedSet<Integer> versions, boolean gated) {
        List<Boolean> ansi = sql.indexOf('"') >= 0 ? List.of(false, true) : List.of(false);
        List<Integer> servers = new ArrayList<>();
        servers.add(Integer.MAX_VALUE);
        if (gated) {
            servers.add(0);
            for (int version : versions) {
                servers.add(version - 1);
            }
        }
        List<Boolean> flavours = gated ? List.of(true, false) : List.of(true);
        List<MySqlReading> readings = new ArrayList<>();
        for (boolean e : escapes) {
            for (boolean a : ansi) {
                for (boolean m : flavours) {
                    for (int s : servers) {
                        readings.add(new MySqlReading(e, a, m, s));
                    }
                }
            }
        }
        return readings;
    }

    /** How people should read this reading, for reasons: empty for the default. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (!backslashEscapes) {
            parts.add("sql_mode NO_BACKSLASH_ESCAPES");
        }
        if (ansiQuotes) {
            parts.add("sql_mode ANSI_QUOTES");
        }
        if (!mariaDb) {
            parts.add("a MySQL server (MariaDB-only comments skipped)");
        }
        if (serverVersion != Integer.MAX_VALUE) {
            parts.add("a server older than version " + (serverVersion + 1) + " (later version-gated comments skipped)");
        }
        return String.join(", ", parts);
    }
}
