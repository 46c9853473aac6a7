package dev.tracegate.gateway.identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds a claim in a token's claims by a configured path: a plain name ({@code groups}), a
 * namespaced name that itself contains dots ({@code https://example.com/groups}), or a dotted path
 * into nested objects ({@code realm_access.roles}, Keycloak's realm roles).
 *
 * <p>At each level the longest prefix of the remaining path that is a key wins, so a namespaced
 * name and a nested path mix freely ({@code https://example.com/claims.roles}).
 */
public final class ClaimPath {

    private ClaimPath() {
    }

    /** The value at {@code path}, or null when there is none. */
    public static Object resolve(Map<String, ?> claims, String path) {
        if (claims.containsKey(path)) {
            return claims.get(path);
        }
        int dot = path.lastIndexOf('.');
        while (dot > 0) {
            Object head = claims.get(path.substring(0, dot));
            if (head instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> next = (Map<String, ?>) nested;
                Object found = resolve(next, path.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
            dot = path.lastIndexOf('.', dot - 1);
        }
        return null;
    }

    /**
     * The string values at {@code path}: one for a string, number or boolean, each scalar element of
     * a list, none for anything else (objects are not flattened into names).
     */
    public static List<String> strings(Map<String, ?> claims, String path) {
        Object value = resolve(claims, path);
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> values) {
            for (Object element : values) {
                addScalar(element, out);
            }
        } else {
            addScalar(value, out);
        }
        return out;
    }

    private static void addScalar(Object value, List<String> out) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            out.add(value.toString());
        }
    }
}
