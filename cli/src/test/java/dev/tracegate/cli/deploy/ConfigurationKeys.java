package dev.tracegate.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration keys as docs/configuration.md names them ({@code listeners.api.port},
 * {@code connections[].credential.type}): the keys a configuration tree sets, the keys the
 * documentation's tables describe, and the environment variables a tree refers to as {@code env:NAME}.
 */
final class ConfigurationKeys {

    private static final Pattern TABLE_ROW = Pattern.compile("^\\|([^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern ENV_REFERENCE = Pattern.compile("^env:([A-Za-z_][A-Za-z0-9_]*)$");

    private ConfigurationKeys() {
    }

    /** Every key with a value in {@code tree}; list items are {@code key[]}. */
    static Set<String> set(JsonNode tree) {
        Set<String> keys = new TreeSet<>();
        collect(tree, "", keys);
        return keys;
    }

    private static void collect(JsonNode node, String path, Set<String> keys) {
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collect(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), keys);
            }
        } else if (node.isArray() && node.elements().hasNext() && node.get(0).isObject()) {
            node.forEach(item -> collect(item, path + "[]", keys));
        } else {
            keys.add(path);
        }
    }

    /**
     * The keys in the first column of docs/configuration.md's tables. A row may name several:
     * {@code `connections[].host` / `port`} documents {@code connections[].port} too.
     */
    static Set<String> documented(String markdown) {
        Set<String> keys = new LinkedHashSet<>();
        Matcher row = TABLE_ROW.matcher(markdown);
        while (row.find()) {
            Matcher code = CODE.matcher(row.group(1));
            String first = null;
            while (code.find()) {
                String key = code.group(1);
                if (first == null) {
                    first = key;
                    keys.add(key);
                } else if (!key.contains(".") && first.contains(".")) {
                    keys.add(first.substring(0, first.lastIndexOf('.') + 1) + key);
                } else {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /**
     * {@code key} or one of its ancestors is documented (free-form maps such as {@code requiredClaims}
     * are documented as a whole), or it is an empty section whose members are ({@code connections: []}).
     */
    static boolean isDocumented(String key, Set<String> documented) {
        if (documented.stream().anyMatch(d -> d.startsWith(key + ".") || d.startsWith(key + "[]"))) {
            return true;
        }
        for (String candidate = key; !candidate.isEmpty(); candidate = parent(candidate)) {
            if (documented.contains(candidate)) {
                return true;
            }
        }
        return false;
    }

    private static String parent(String key) {
        if (key.endsWith("[]")) {
            return key.substring(0, key.length() - 2);
        }
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    /** The environment variables {@code tree} refers to as {@code env:NAME}. */
    static Set<String> environmentReferences(JsonNode tree) {
        Set<String> names = new TreeSet<>();
        collectReferences(tree, names);
        return names;
    }

    private static void collectReferences(JsonNode node, Set<String> names) {
        if (node.isContainerNode()) {
            node.forEach(child -> collectReferences(child, names));
        } else if (node.isTextual()) {
            Matcher reference = ENV_REFERENCE.matcher(node.asText());
            if (reference.matches()) {
                names.add(reference.group(1));
            }
        }
    }
}
