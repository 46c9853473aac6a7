package dev.tracegate.gateway.postgres;

import dev.tracegate.wire.postgres.backend.ParameterStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The server's own word on the two settings the gateway's reading of SQL depends on. The SQL
 * guard lexes statements as UTF-8 with {@code standard_conforming_strings} on, and the masker
 * reads text cells as UTF-8. Whatever the client asked for at start-up, a role's or database's
 * default ({@code ALTER ROLE ... SET standard_conforming_strings = off}, {@code ALTER DATABASE ...
 * SET client_encoding = 'SJIS'}) or a later change can make the server read differently; the
 * server reports both in ParameterStatus after start-up and whenever they change, and this is
 * where the report is checked. A difference ends the session (fail closed): a backslash or a
 * multi-byte character could otherwise hide a statement from the guard, or a cell from the masker.
 */
final class ServerSettingsWatch {

    /**
     * UTF8, and SQL_ASCII, which converts nothing: the client's UTF-8 reaches the server as sent,
     * and cells that are not valid UTF-8 meet the masker's {@code invalidUtf8} limit.
     */
    private static final Set<String> READABLE_ENCODINGS = Set.of("UTF8", "SQLASCII");
    /** How an encoding's name may be spelt apart ({@code utf-8}, {@code SQL_ASCII}); compiled once, not per session. */
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[-_ ]");

    private ServerSettingsWatch() {
    }

    /** The first reported setting the gateway cannot work under, as the reason the session cannot go on. */
    static Optional<String> refusal(List<ParameterStatus> statuses) {
        for (ParameterStatus status : statuses) {
            Optional<String> refusal = refusal(status);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    /** Why the session cannot go on under this reported setting, if it cannot. */
    static Optional<String> refusal(ParameterStatus status) {
        String name = status.name().toLowerCase(Locale.ROOT);
        String value = status.value();
        if (name.equals("standard_conforming_strings") && !value.equalsIgnoreCase("on")) {
            return Optional.of("the server reports standard_conforming_strings = " + value + "; the gateway reads SQL with"
                    + " it on (a backslash in a string could hide a statement from the policy), so the session is closed;"
                    + " remove the role's or database's default or the statement that changed it");
        }
        if (name.equals("client_encoding")
                && !READABLE_ENCODINGS.contains(NAME_SEPARATORS.matcher(value.toUpperCase(Locale.ROOT)).replaceAll(""))) {
            return Optional.of("the server reports client_encoding = " + value + "; the gateway reads SQL and results as"
                    + " UTF8, so the session is closed; use client_encoding UTF8 (and remove the role's or database's default)");
        }
        return Optional.empty();
    }
}
