package dev.tracegate.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.policy.sql.StatementClass;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the policy sees of one HTTP request: its method, its path (without the query string), its
 * headers (names lower-cased), the methods its parameters name and, when a rule asks about body
 * fields, its JSON body.
 *
 * @param method           upper-case, as sent
 * @param path             the path on the target, starting with {@code /}
 * @param headers          header name (lower case) to value; repeated headers joined with {@code ", "}
 * @param body             the parsed JSON body, or {@code null} when it was not read (no rule asks) or is absent
 * @param methodParameters the values of the request's {@code _method} parameters ({@link #isMethodParameter}),
 *                         in its query string and, when it was read, its form body
 */
public record HttpRequestFacts(String method, String path, Map<String, String> headers, JsonNode body,
                               List<String> methodParameters) {

    /** Headers with which common frameworks let a request stand for another method. */
    private static final List<String> METHOD_OVERRIDES = List.of("x-http-method-override", "x-http-method",
            "x-method-override");

    public HttpRequestFacts(String method, String path, Map<String, String> headers) {
        this(method, path, headers, null, List.of());
    }

    public HttpRequestFacts(String method, String path, Map<String, String> headers, JsonNode body) {
        this(method, path, headers, body, List.of());
    }

    /** The same request, with its body read. */
    public HttpRequestFacts withBody(JsonNode parsed) {
        return new HttpRequestFacts(method, path, headers, parsed, methodParameters);
    }

    /** The same request, with more {@code _method} parameter values found (in the query string, in a form body). */
    public HttpRequestFacts withMethodParameters(List<String> found) {
        if (found.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(methodParameters);
        all.addAll(found);
        return new HttpRequestFacts(method, path, headers, body, all);
    }

    /**
     * Whether a decoded parameter name is the one with which common frameworks let a POST stand
     * for another method ({@code _method=DELETE}: Laravel and Symfony from the query string or the
     * body, Rails, Spring's {@code HiddenHttpMethodFilter} and ASP.NET Core from a form, Express's
     * method-override from wherever it is told). PHP reads a {@code .} or a space in a name as
     * {@code _}, so {@code .method} is one too, and ends a name at its first zero byte (it reads
     * names as C strings), so {@code _method%00x} is one as well; case is ignored.
     */
    public static boolean isMethodParameter(String name) {
        int zero = name.indexOf('\0');
        String read = zero < 0 ? name : name.substring(0, zero);
        int bracket = read.indexOf('[');
        // _method[]=DELETE and _method[0]=DELETE are the list ["DELETE"] to PHP and to Express's qs, and
        // method-override takes a list's first element.
        read = bracket < 0 ? read : read.substring(0, bracket);
        return read.strip().replace('.', '_').replace(' ', '_').equalsIgnoreCase("_method");
    }

    public HttpRequestFacts {
        method = method.toUpperCase(Locale.ROOT);
        Map<String, String> lowered = new TreeMap<>();
        // One name in two spellings is one header to the target: keep every value, not the last.
        (headers == null ? Map.<String, String>of() : headers).forEach((name, value) ->
                lowered.merge(name.toLowerCase(Locale.ROOT), value, (first, then) -> first + ", " + then));
        headers = Map.copyOf(lowered);
        methodParameters = methodParameters == null ? List.of() : List.copyOf(methodParameters);
    }

    /**
     * The class of the riskiest method the request may be taken for, so that rules written with
     * {@code classes} apply to HTTP too: safe methods read, the others write. A method the gateway
     * does not know (TRACE, CONNECT, WebDAV verbs, custom ones) is UNKNOWN, and so high risk.
     */
    public StatementClass statementClass() {
        StatementClass riskiest = StatementClass.READ;
        for (String each : methods()) {
            StatementClass of = switch (each) {
                case "GET", "HEAD", "OPTIONS" -> StatementClass.READ;
                case "POST", "PUT", "PATCH", "DELETE" -> StatementClass.WRITE;
                default -> StatementClass.UNKNOWN;
            };
            riskiest = of.isAtLeast(riskiest) ? of : riskiest;
        }
        return riskiest;
    }

    /**
     * The method, then every method an override header asks the target to take the request for
     * ({@code X-HTTP-Method-Override: DELETE} on a POST or a GET: Rails, Express, Spring, Google's
     * and Microsoft's APIs honour one of them), and every method a {@code _method} parameter names
     * in the query string, a form body or a JSON body's top level ({@link #isMethodParameter}),
     * upper case, and {@code GET} for a {@code HEAD}, which targets run as a GET (Spring, Flask,
     * Rails, servlets). The target decides which it obeys, so the policy weighs them all.
     */
    public List<String> methods() {
        List<String> methods = new ArrayList<>(1);
        methods.add(method);
        Map<String, String> read = headerReadings();
        for (String header : METHOD_OVERRIDES) {
            String value = read.get(header);
            if (value != null) {
                addNamed(methods, value.split(","));
            }
        }
        addNamed(methods, methodParameters.toArray(String[]::new));
        if (body != null && body.isObject()) {
            for (Map.Entry<String, JsonNode> field : body.properties()) {
                if (isMethodParameter(field.getKey())) {
                    addNamed(methods, namedBy(field.getValue()));
                }
            }
        }
        if (methods.contains("HEAD")) {
            // Servers answer a HEAD by running the GET's handler and dropping its body.
            addNamed(methods, "GET");
        }
        return methods;
    }

    /**
     * The headers as servers that pass them to applications as CGI variables read them:
     * {@code X_HTTP_Method_Override} and {@code X-HTTP-Method-Override} are both
     * {@code HTTP_X_HTTP_METHOD_OVERRIDE} to PHP under Apache or PHP's own server, to Rack servers
     * such as WEBrick and Thin and to WSGI servers that do not drop such names, and Rack's and
     * Laravel's method override read that variable. So a name with an underscore is also read with
     * a hyphen in its place, its values joined to those of that name. What a rule that blocks or
     * holds reads; a rule that allows reads {@link #headers} as sent.
     */
    public Map<String, String> headerReadings() {
        if (headers.keySet().stream().noneMatch(name -> name.indexOf('_') >= 0)) {
            return headers; // the common case, without a copy
        }
        Map<String, String> read = new TreeMap<>(headers);
        headers.forEach((name, value) -> {
            if (name.indexOf('_') >= 0) {
                read.merge(name.replace('_', '-'), value, (first, then) -> first + ", " + then);
            }
        });
        return read;
    }

    /**
     * The methods a JSON {@code _method} value names: a string, each string of a list (Express's
     * method-override takes a list's first element), or anything else as its JSON text, a method the
     * gateway does not know.
     */
    private static String[] namedBy(JsonNode value) {
        if (value.isValueNode()) {
            return new String[] {value.asText()};
        }
        if (value.isArray()) {
            List<String> named = new ArrayList<>(value.size());
            value.forEach(element -> named.add(element.isTextual() ? element.asText() : element.toString()));
            return named.toArray(String[]::new);
        }
        return new String[] {value.toString()};
    }

    private static void addNamed(List<String> methods, String... named) {
        for (String each : named) {
            String upper = each.strip().toUpperCase(Locale.ROOT);
            if (!upper.isEmpty() && !methods.contains(upper)) {
                methods.add(upper);
            }
        }
    }

    /**
     * The path, then how targets that read paths more loosely than the gateway may read it: each
     * segment percent-decoded and compatibility-folded (full-width {@code ａdmin}), with its
     * {@code ;parameters}, an NTFS stream ({@code admin::$INDEX_ALLOCATION}) and trailing dots and
     * spaces dropped (Windows servers), a segment left empty dropped (as targets that merge slashes
     * read {@code /%3b/admin}), everything from a decoded {@code ?} or {@code #} on dropped
     * ({@link #pathEnd}), and without the
     * last segment's extension ({@code /admin.json} for {@code /admin}, suffix
     * matching); and each of these with and without a trailing slash, since many targets route
     * {@code /admin/users/} as {@code /admin/users} (Express, Spring before 6) and {@code /admin} is
     * the index of {@code /admin/**}. Case is the rule's business ({@link Rule}): a rule that blocks
     * or holds reads every one of these without regard to case.
     */
    public List<String> pathReadings() {
        String trimmed = path;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> readings = new ArrayList<>(7);
        readings.add(path);
        for (String reading : List.of(trimmed, loosePath(trimmed, false), loosePath(trimmed, true))) {
            for (String each : List.of(reading, reading.endsWith("/") ? reading : reading + "/")) {
                if (!readings.contains(each)) {
                    readings.add(each);
                }
            }
        }
        return readings;
    }

    private static String loosePath(String path, boolean dropExtension) {
        String[] segments = path.split("/", -1);
        StringBuilder read = new StringBuilder(path.length());
        for (int i = 0; i < segments.length; i++) {
            String segment = compatibilityFolded(percentDecoded(segments[i]));
            int pathEnds = pathEnd(segment);
            if (pathEnds >= 0) {
                // The rest is a query or a fragment to a target that decodes the path and parses it again.
                segment = segment.substring(0, pathEnds);
                segments = Arrays.copyOf(segments, i + 1);
            }
            // ;parameters, and an NTFS stream (Windows reads admin::$INDEX_ALLOCATION and admin:x as admin).
            int cut = segment.length();
            for (char ends : new char[] {';', ':'}) {
                int at = segment.indexOf(ends);
                cut = at < 0 ? cut : Math.min(cut, at);
            }
            segment = segment.substring(0, cut);
            int end = segment.length();
            while (end > 0 && (segment.charAt(end - 1) == '.' || Character.isWhitespace(segment.charAt(end - 1)))) {
                end--;
            }
            segment = segment.substring(0, end);
            int dot = segment.lastIndexOf('.');
            if (dropExtension && i == segments.length - 1 && dot > 0) {
                segment = segment.substring(0, dot);
            }
            if (i > 0 && segment.isEmpty()) {
                continue; // a segment read as nothing (%3b, %20, ".%20"): such targets merge the slashes around it
            }
            read.append(i == 0 ? "" : "/").append(segment);
        }
        return read.toString();
    }

    /**
     * What a target that decodes the path and parses it again reads as the query string: what
     * follows its first decoded {@code ?} up to a {@code #} ({@code /echo/7%3F_method=DELETE} holds
     * {@code _method=DELETE} to Laravel behind such a proxy), or null when there is none.
     */
    public String pathQuery() {
        String decoded = percentDecoded(path);
        int query = decoded.indexOf('?');
        if (query < 0) {
            return null;
        }
        int fragment = decoded.indexOf('#', query);
        return decoded.substring(query + 1, fragment < 0 ? decoded.length() : fragment);
    }

    /**
     * Where a decoded segment ends the path ({@code %3F} or {@code %23}), or -1: a target that
     * decodes the path and then parses it again as a URL (Apache's mod_rewrite feeding a proxy,
     * CVE-2024-38474; a proxy written as {@code base + decodedPath}) reads {@code /admin%3F/x}
     * as {@code /admin} with a query or a fragment.
     */
    private static int pathEnd(String segment) {
        int query = segment.indexOf('?');
        int fragment = segment.indexOf('#');
        return query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
    }

    /**
     * Full-width and other compatibility forms as their plain letters ({@code ａｄｍｉｎ} is
     * {@code admin}, {@code ／} a slash): servers and frameworks that normalise Unicode (NFKC)
     * route them so. ASCII is its own NFKC form and costs one pass.
     */
    private static String compatibilityFolded(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) >= 0x80) {
                return Normalizer.normalize(segment, Normalizer.Form.NFKC);
            }
        }
        return segment;
    }

    /** {@code %XX} escapes decoded as UTF-8 ({@code +} stays); the segment as it is when an escape is malformed. */
    private static String percentDecoded(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
        }
    }

    /** Every {@code METHOD /path} the request may be read as: each of {@link #methods} with each of {@link #pathReadings}. */
    public List<String> requestLineReadings() {
        List<String> lines = new ArrayList<>();
        for (String each : methods()) {
            for (String reading : pathReadings()) {
                lines.add(each + " " + reading);
            }
        }
        return lines;
    }

    /** {@code METHOD /path}: what a rule's {@code command} pattern is matched against, and what the evidence records. */
    public String requestLine() {
        return method + " " + path;
    }
}
