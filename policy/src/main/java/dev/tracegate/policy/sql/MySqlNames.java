package dev.tracegate.policy.sql;

import java.text.Normalizer;
import java.util.Locale;

/**
 * How MySQL compares the names of functions and variables: case- and accent-insensitively (the
 * system character set's general collation), so {@code LÓAD_FİLE} may name {@code load_file}.
 * Rules compare a name's skeleton: compatibility-decomposed, marks removed, dotless i as i, lower
 * case. It may equate more names than the server does, which only makes a rule match more often.
 */
final class MySqlNames {

    private MySqlNames() {
    }

    static String skeleton(String name) {
        if (name.chars().allMatch(c -> c < 0x80)) {
            return name.toLowerCase(Locale.ROOT);
        }
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        return decomposed.replace('\u0131', 'i').toLowerCase(Locale.ROOT);
    }
}
