package dev.tracegate.gateway.api;

import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.policy.rules.Policy;
import dev.tracegate.policy.rules.Rule;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Read-only views of what the gateway is configured to do: its connections (never a credential),
 * the policy in force, and the API's own OpenAPI document.
 */
final class ConfigurationRoutes {

    static final String OPENAPI_PATH = "/api/openapi.json";

    private ConfigurationRoutes() {
    }

    static void register(RoutesConfig routes, List<ConnectionConfig> connections, Guard guard) {
        byte[] openapi = openapi();
        routes.get(OPENAPI_PATH, ctx -> ctx.contentType("application/json").result(openapi));
        routes.get("/api/connections", ctx -> {
            ApiServer.requireReadAll(ctx);
            ctx.json(connections.stream().map(c -> Map.of("name", c.name(), "protocol", c.protocol(), "target", c.target()))
                    .toList());
        });
        routes.get("/api/policy", ctx -> policy(ctx, guard.policy()));
    }

    private static void policy(Context ctx, Policy policy) {
        ApiServer.requireReadAll(ctx);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sha256", policy.hash());
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("action", name(policy.defaultAction()));
        defaults.put("highRisk", name(policy.highRiskDefault()));
        Map<String, String> perConnection = new LinkedHashMap<>();
        policy.connectionDefaults().forEach((connection, action) -> perConnection.put(connection, name(action)));
        defaults.put("connections", perConnection);
        view.put("defaults", defaults);
        view.put("rules", policy.rules().stream().map(ConfigurationRoutes::rule).toList());
        view.put("masking_profiles", policy.maskingProfiles().keySet().stream().sorted().toList());
        ctx.json(view);
    }

    /** A rule as its author wrote it, with the empty conditions left out. */
    private static Map<String, Object> rule(Rule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", rule.name());
        if (rule.action() != null) {
            view.put("action", name(rule.action()));
        }
        putIfAny(view, "mask", rule.mask());
        putIfAny(view, "connections", rule.connections());
        putIfAny(view, "protocols", rule.protocols());
        putIfAny(view, "groups", rule.groups());
        putIfAny(view, "exceptGroups", rule.exceptGroups());
        putIfAny(view, "kinds", rule.kinds());
        putIfAny(view, "classes", rule.classes().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        putIfAny(view, "minClass", rule.minClass() == null ? null : name(rule.minClass()));
        putIfAny(view, "tables", rule.tables());
        putIfAny(view, "command", rule.command() == null ? null : rule.command().pattern());
        putIfAny(view, "methods", rule.methods());
        putIfAny(view, "paths", rule.paths().stream().map(Pattern::pattern).toList());
        putIfAny(view, "reason", rule.reason());
        if (rule.approval() != null) {
            view.put("approvers", rule.approval().approverGroups());
            view.put("minApprovals", rule.approval().minApprovals());
            view.put("timeout", rule.approval().timeout().toString());
            putIfAny(view, "breakGlass", rule.approval().breakGlassGroups());
            view.put("approversSee", rule.approval().clearStatement() ? "clear" : "masked");
        }
        return view;
    }

    private static void putIfAny(Map<String, Object> view, String key, Object value) {
        if (value != null && !(value instanceof List<?> list && list.isEmpty())) {
            view.put(key, value);
        }
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static byte[] openapi() {
        try (InputStream in = ConfigurationRoutes.class.getResourceAsStream("/api/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("api/openapi.json is missing from the gateway's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
