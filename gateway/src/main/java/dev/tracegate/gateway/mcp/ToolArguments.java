package dev.tracegate.gateway.mcp;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tool call's arguments, checked before anything is recorded or run: a missing, misspelt or
 * mistyped argument is a JSON-RPC error ({@code -32602}, invalid params), never a half-run call.
 */
final class ToolArguments {

    private final String tool;
    private final Map<String, Object> values;

    private ToolArguments(String tool, Map<String, Object> values) {
        this.tool = tool;
        this.values = values;
    }

    static ToolArguments of(String tool, Map<String, Object> arguments, Set<String> known) {
        Map<String, Object> values = arguments == null ? Map.of() : arguments;
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw invalid(tool + ": unknown argument \"" + name + "\"; expected " + known);
            }
        }
        return new ToolArguments(tool, values);
    }

    static McpError invalid(String message) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(message).build();
    }

    String requiredString(String name) {
        String value = optionalString(name);
        if (value == null || value.isBlank()) {
            throw invalid(tool + ": argument \"" + name + "\" is required and must be a non-empty string");
        }
        return value;
    }

    String optionalString(String name) {
        Object value = values.get(name);
        if (value != null && !(value instanceof String)) {
            throw invalid(tool + ": argument \"" + name + "\" must be a string");
        }
        return (String) value;
    }

    /** An integer from {@code min} to {@code max}, or {@code fallback} when absent. */
    int optionalInt(String name, int min, int max, int fallback) {
        Object value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
                || ((Number) value).longValue() > max) {
            throw invalid(tool + ": argument \"" + name + "\" must be an integer from " + min + " to " + max);
        }
        return ((Number) value).intValue();
    }

    /** Bind parameters: strings, numbers, booleans or null, sent as text ({@code $1}, {@code $2}, ...). */
    List<String> parameters(String name) {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw invalid(tool + ": argument \"" + name + "\" must be an array");
        }
        List<String> texts = new ArrayList<>();
        for (Object item : list) {
            if (item != null && !(item instanceof String || item instanceof Number || item instanceof Boolean)) {
                throw invalid(tool + ": every item of \"" + name + "\" must be a string, number, boolean or null");
            }
            texts.add(item == null ? null : item.toString());
        }
        return texts;
    }

    /** A JSON object of string values (HTTP headers). */
    Map<String, String> stringMap(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw invalid(tool + ": argument \"" + name + "\" must be an object of strings");
        }
        Map<String, String> strings = new java.util.LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String text)) {
                throw invalid(tool + ": every value of \"" + name + "\" must be a string");
            }
            strings.put(String.valueOf(entry.getKey()), text);
        }
        return strings;
    }
}
