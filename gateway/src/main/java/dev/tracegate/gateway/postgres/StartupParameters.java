package dev.tracegate.gateway.postgres;

import dev.tracegate.policy.sql.SessionSettingPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings a client asks for in its start-up message, checked before the gateway asks for a
 * token and before anything reaches the upstream. PostgreSQL applies every start-up parameter
 * other than {@code user}, {@code database}, {@code options} and {@code replication} as a
 * run-time setting, case-insensitively, and the {@code -c name=value} and {@code --name=value}
 * switches inside {@code options} too (with {@code -} in a name read as {@code _}). Each goes
 * through the allow-list {@code SET} goes through ({@link SessionSettingPolicy}), so
 * {@code Standard_Conforming_Strings=off}, {@code role}, {@code session_authorization} or an
 * {@code app.*} setting cannot be had at connection time when the same statement would be refused.
 */
final class StartupParameters {

    /** Start-up keys PostgreSQL reads itself, by exact name; any other spelling is a setting. */
    private static final List<String> CONSUMED_BY_THE_GATEWAY = List.of("user", "database");
    private static final String OPTIONS = "options";
    private static final String REPLICATION = "replication";

    private StartupParameters() {
    }

    /**
     * The settings to pass to the upstream: the client's own, with those of {@code options}
     * spelled out as parameters of their own (a parameter of the same name wins, as in PostgreSQL).
     *
     * @throws ClientRefusedException naming the first parameter that is refused
     */
    static Map<String, String> forwarded(Map<String, String> parameters) throws ClientRefusedException {
        Map<String, String> settings = new LinkedHashMap<>();
        String options = parameters.get(OPTIONS);
        if (options != null) {
            for (String[] setting : optionSettings(options)) {
                check("setting \"" + abbreviated(setting[0]) + "\" in the start-up options", setting[0], setting[1]);
                settings.put(setting[0], setting[1]);
            }
        }
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            if (CONSUMED_BY_THE_GATEWAY.contains(name) || name.equals(OPTIONS) || name.startsWith("_pq_.")) {
                continue;
            }
            if (name.equals(REPLICATION)) {
                refuseReplication(parameter.getValue());
                continue;
            }
            check("start-up parameter \"" + abbreviated(name) + "\"", name, parameter.getValue());
            settings.remove(name.toLowerCase(Locale.ROOT));
            settings.put(name, parameter.getValue());
        }
        return settings;
    }

    private static void check(String what, String name, String value) throws ClientRefusedException {
        Optional<String> refusal = SessionSettingPolicy.refusal(name, comparableValue(name, value));
        if (refusal.isPresent()) {
            throw new ClientRefusedException("42501", what + " is not allowed through the gateway: " + refusal.get());
        }
    }

    /**
     * PostgreSQL finds an encoding by its name with everything but letters and digits removed,
     * so {@code UTF_8}, {@code utf-8} and {@code Utf 8} are all UTF8; the allow-list sees that name.
     */
    private static String comparableValue(String name, String value) {
        if (name.equalsIgnoreCase("client_encoding")) {
            return value.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
        }
        return value;
    }

    private static void refuseReplication(String value) throws ClientRefusedException {
        if (!List.of("false", "off", "no", "0").contains(value.strip().toLowerCase(Locale.ROOT))) {
            throw new ClientRefusedException("0A000", "replication connections are not supported through the gateway");
        }
    }

    /**
     * The {@code name=value} pairs of an options string, split as PostgreSQL's pg_split_opts does
     * (white space separates, a backslash takes the next character literally) and read as its
     * command-line switches. Only {@code -c} and {@code --} are accepted: the other switches set
     * settings too ({@code -O} allow_system_table_mods, {@code -P} ignore_system_indexes, ...).
     */
    static List<String[]> optionSettings(String options) throws ClientRefusedException {
        List<String> words = words(options);
        List<String[]> settings = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String assignment;
            if (word.equals("-c")) {
                if (++i == words.size()) {
                    throw malformed("-c at the end of the start-up options needs name=value");
                }
                assignment = words.get(i);
            } else if (word.startsWith("-c") || (word.startsWith("--") && word.length() > 2)) {
                assignment = word.substring(2);
            } else {
                throw malformed("the start-up options may only hold -c name=value and --name=value; \""
                        + abbreviated(word) + "\" is not accepted through the gateway");
            }
            int equals = assignment.indexOf('=');
            if (equals <= 0) {
                throw malformed("\"" + abbreviated(word) + "\" in the start-up options needs name=value");
            }
            settings.add(new String[] {
                assignment.substring(0, equals).replace('-', '_').toLowerCase(Locale.ROOT),
                assignment.substring(equals + 1)});
        }
        return settings;
    }

    private static List<String> words(String options) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\\') {
                if (++i == options.length()) {
                    break;
                }
                c = options.charAt(i);
            }
            word.append(c);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static ClientRefusedException malformed(String message) {
        return new ClientRefusedException("08P01", message);
    }

    private static String abbreviated(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
