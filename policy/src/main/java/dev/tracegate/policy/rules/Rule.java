package dev.tracegate.policy.rules;

import dev.tracegate.policy.shell.ShellClassification;
import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.CommandReading;
import dev.tracegate.policy.sql.StatementClass;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.WeakHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule: when every condition it states holds for a statement, its action applies. An
 * empty condition list matches anything.
 *
 * @param name        shown to clients and recorded in evidence
 * @param connections connection names
 * @param protocols   protocol names
 * @param groups      the caller is in at least one of these groups
 * @param exceptGroups the rule does not apply to members of these groups
 * @param kinds       identity kinds ({@code human}, {@code service}, {@code agent})
 * @param classes     statement classes, matched exactly
 * @param minClass    the least risky class the rule matches: every class of at least its rank matches
 *                    ({@code ddl} also matches {@code privilege}, {@code dangerous_admin} and {@code unknown});
 *                    {@code null} for none. Not combined with {@code classes}.
 * @param tables      table patterns: {@code orders}, {@code public.orders}, {@code public.*}, {@code *.customers}
 * @param command     a regular expression found anywhere in the statement text (case-insensitive)
 * @param action      what happens; {@code null} for a rule that only names a masking profile
 * @param reason      why, for the client and the evidence
 * @param approval    who approves, for {@code approve}
 * @param mask        the masking profile for every result of the caller's sessions, or {@code null}
 * @param methods     HTTP only: request methods ({@code GET}, {@code DELETE}, ...)
 * @param paths       HTTP only: path patterns; {@code *} matches within one segment, {@code **} across segments
 * @param headers     HTTP only: header name to a regular expression found in its value (case-insensitive)
 * @param fields      HTTP only: JSON body field (as a JSON Pointer) to a regular expression found in its
 *                    value; the body must be JSON for such a rule to be decided at all
 * @param operations  SSH only: what is asked ({@link SshOperation#configName()}: {@code exec}, {@code shell},
 *                    {@code read}, {@code write}, {@code delete}, {@code rename}, forwarding)
 * @param files       SSH only: path patterns of sftp and scp operations, as for {@code paths}
 */
public record Rule(String name, List<String> connections, List<String> protocols, List<String> groups,
                   List<String> exceptGroups, List<String> kinds,
                   List<StatementClass> classes, StatementClass minClass, List<String> tables, Pattern command,
                   Action action, String reason,
                   ApprovalSpec approval, String mask, List<String> methods, List<Pattern> paths,
                   Map<String, Pattern> headers, Map<JsonPointer, Pattern> fields, List<SshOperation> operations,
                   List<Pattern> files) {

    public Rule {
        if (name == null || name.isBlank()) {
            throw new PolicyException("every rule needs a name");
        }
        connections = copy(connections);
        protocols = copy(protocols);
        groups = copy(groups);
        exceptGroups = copy(exceptGroups);
        kinds = copy(kinds);
        classes = classes == null ? List.of() : List.copyOf(classes);
        if (!classes.isEmpty() && minClass != null) {
            // Both at once could only mean "listed and at least this risky", an intersection nobody
            // writes on purpose: a rule with both is a mistake to report, not to guess at.
            throw new PolicyException("rule " + name + ": classes and minClass cannot be combined: classes matches exactly"
                    + " the classes listed, minClass every class at least as risky as the one named (minClass: ddl also"
                    + " matches privilege, dangerous_admin and unknown); use one of them");
        }
        tables = tables == null ? List.of() : tables.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        if (action == null && mask == null) {
            throw new PolicyException("rule " + name + ": action is required (allow, approve or block), or mask");
        }
        methods = methods == null ? List.of() : methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        paths = paths == null ? List.of() : List.copyOf(paths);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        operations = operations == null ? List.of() : List.copyOf(operations);
        files = files == null ? List.of() : List.copyOf(files);
        boolean httpOnly = !methods.isEmpty() || !paths.isEmpty() || !headers.isEmpty() || !fields.isEmpty();
        boolean sshOnly = !operations.isEmpty() || !files.isEmpty();
        if (!tables.isEmpty() && httpOnly) {
            throw new PolicyException("rule " + name + ": tables (SQL) and methods, paths or headers (HTTP) cannot be"
                    + " combined in one rule");
        }
        if (sshOnly && (httpOnly || !tables.isEmpty())) {
            throw new PolicyException("rule " + name + ": operations and files (SSH) cannot be combined with tables (SQL)"
                    + " or methods, paths, headers and fields (HTTP) in one rule");
        }
        if (mask != null && (!classes.isEmpty() || minClass != null || !tables.isEmpty() || command != null || httpOnly
                || sshOnly)) {
            // A view, a cursor's FETCH or a function returns the same columns without naming the
            // table: masking that depended on the statement's text would be easy to walk around.
            throw new PolicyException("rule " + name + ": a mask rule applies to whole sessions and may only match on"
                    + " connections, protocols, groups, exceptGroups and kinds, not on classes, minClass, tables, command,"
                    + " methods, paths, headers, operations or files");
        }
        if (action == Action.APPROVE && approval == null) {
            throw new PolicyException("rule " + name + ": an approve rule needs approvers");
        }
    }

    /** True when the rule's conditions about the caller hold. */
    boolean appliesTo(Subject subject) {
        return (connections.isEmpty() || connections.contains(subject.connection()))
                && (protocols.isEmpty() || protocols.contains(subject.protocol()))
                && (groups.isEmpty() || groups.stream().anyMatch(subject.groups()::contains))
                && exceptGroups.stream().noneMatch(subject.groups()::contains)
                && (kinds.isEmpty() || kinds.contains(subject.kind()));
    }

    /** Whether the rule names HTTP request conditions, so that it never applies to SQL. */
    boolean isHttpOnly() {
        return !methods.isEmpty() || !paths.isEmpty() || !headers.isEmpty() || !fields.isEmpty();
    }

    /** Whether the rule names SSH request conditions, so that it never applies to SQL or HTTP. */
    boolean isSshOnly() {
        return !operations.isEmpty() || !files.isEmpty();
    }

    /** True when the rule's conditions about the SSH request hold and it has an action to apply. */
    boolean matches(SshRequestFacts request) {
        return action != null
                && tables.isEmpty()
                && !isHttpOnly()
                && matchesClass(request.statementClass())
                && (operations.isEmpty() || operations.contains(request.operation()))
                && (files.isEmpty() || request.paths().stream().anyMatch(p -> files.stream().anyMatch(f -> f.matcher(p).matches()))
                    || request.trees().stream().anyMatch(this::filesReachBelow))
                && (command == null || commandFound(request));
    }

    /**
     * Whether the {@code command} pattern is found in an SSH request's text or, for a rule that
     * blocks or holds, in any command of it as the shell reads it: {@code 'r'm}, {@code /bin/rm},
     * {@code nice rm} and {@code sh -c 'rm ...'} run {@code rm} as surely as {@code rm} does. A
     * program named by an expansion ({@code $X}, {@code ${X:-rm}}, {@code sh -c "$X"}) may be the one
     * the pattern names, so a rule that blocks or holds is taken to match it (fail closed). An
     * allow rule needs the text as written.
     */
    private boolean commandFound(SshRequestFacts request) {
        ShellClassification classification = request.classification();
        return command.matcher(request.text()).find() || action != Action.ALLOW
                && (!classification.unnamed().isEmpty()
                    || classification.readings().stream().anyMatch(reading -> command.matcher(reading).find()));
    }

    /**
     * Whether a {@code files} pattern could match {@code directory} or a path below it: a match
     * of {@code directory/} that fails only for want of more input ({@link Matcher#hitEnd}) means
     * some longer path under it matches.
     */
    private boolean filesReachBelow(String directory) {
        String below = directory.endsWith("/") ? directory : directory + "/";
        for (Pattern file : files) {
            Matcher under = file.matcher(below);
            if (file.matcher(directory).matches() || under.matches() || under.hitEnd()) {
                return true;
            }
        }
        return false;
    }

    /** Whether deciding this rule needs the request's JSON body: it has field conditions, and its other conditions hold. */
    boolean needsBody(HttpRequestFacts request) {
        return !fields.isEmpty() && matchesWithoutBody(request);
    }

    /**
     * Whether the rule blocks or holds by method (its {@code methods}, or a {@code command} pattern,
     * which reads {@code METHOD /path}), so that a method the request's body names in a
     * {@code _method} field must be known to decide it.
     */
    boolean weighsNamedMethods() {
        return action != null && action != Action.ALLOW && tables.isEmpty() && !isSshOnly()
                && (!methods.isEmpty() || command != null);
    }

    /** True when the rule's conditions about the HTTP request hold and it has an action to apply. */
    boolean matches(HttpRequestFacts request) {
        if (!matchesWithoutBody(request)) {
            return false;
        }
        // A target may bind field names without regard to case (ASP.NET Core's web defaults, Go's
        // encoding/json: {"ENV": "prod"} is $.env, the last spelling winning): a rule that blocks or
        // holds reads every field a name could be, and a rule that allows needs each of them to match,
        // so {"env": "staging", "ENV": "prod"} is not allowed as staging.
        if (action == Action.ALLOW) {
            return fields.entrySet().stream().allMatch(f -> {
                List<JsonNode> read = request.body() == null ? List.of() : atIgnoringCase(request.body(), f.getKey());
                return !read.isEmpty() && read.stream().allMatch(v -> fieldMatches(v, f.getValue()));
            });
        }
        return fields.entrySet().stream().allMatch(f -> request.body() != null
                && atIgnoringCase(request.body(), f.getKey()).stream().anyMatch(v -> fieldReadingMatches(v, f.getValue())));
    }

    /** Every node {@code pointer} could name if object keys were compared without regard to case. */
    private static List<JsonNode> atIgnoringCase(JsonNode node, JsonPointer pointer) {
        if (pointer.matches()) {
            return List.of(node);
        }
        List<JsonNode> found = new ArrayList<>();
        if (node.isArray() && pointer.getMatchingIndex() >= 0 && pointer.getMatchingIndex() < node.size()) {
            found.addAll(atIgnoringCase(node.get(pointer.getMatchingIndex()), pointer.tail()));
        } else if (node.isObject()) {
            String name = pointer.getMatchingProperty();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().equalsIgnoreCase(name)) {
                    found.addAll(atIgnoringCase(field.getValue(), pointer.tail()));
                }
            }
        }
        return found;
    }

    private static boolean fieldMatches(JsonNode value, Pattern pattern) {
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        return pattern.matcher(value.isValueNode() ? value.asText() : value.toString()).find();
    }

    /**
     * Whether a field as a target may read it meets a blocking or holding rule's pattern: as
     * {@link #fieldMatches}, a list of one also as its element, and a number also by its value in plain decimal, without an exponent or
     * trailing zeros: {@code 0e0}, {@code 0.0} and {@code -0.0} are {@code 0} to JavaScript and
     * Python (and to Jackson binding an int), {@code 1e2} is {@code 100}, while the parser's own
     * text for them is {@code 0.0} and {@code 100.0}.
     */
    private static boolean fieldReadingMatches(JsonNode value, Pattern pattern) {
        if (fieldMatches(value, pattern)) {
            return true;
        }
        if (value.isArray() && value.size() == 1) {
            // JavaScript reads a list of one as its element wherever it makes a string of it
            // (`deploy --env ${body.env}`, ["prod"] == "prod"), as PHP and Express's qs read
            // _method[]=DELETE: {"env": ["prod"]} meets ^prod$.
            return fieldReadingMatches(value.get(0), pattern);
        }
        if (!value.isNumber() || (value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
            return false; // 1e400: no value in decimal
        }
        String plain = value.decimalValue().stripTrailingZeros().toPlainString();
        return pattern.matcher(plain.equals("-0") ? "0" : plain).find();
    }

    /**
     * A request can be read more than one way by its target (a method override header, a path
     * read without regard to case, without a trailing dot or an extension, a header value such as
     * a media type compared without regard to case): a rule that blocks or holds applies when any
     * reading matches it, a rule that allows only when the request as sent
     * does and no override names a method it does not list.
     */
    private boolean matchesWithoutBody(HttpRequestFacts request) {
        boolean strict = action == Action.ALLOW;
        Map<String, String> read = headers.isEmpty() ? Map.of() : strict ? request.headers() : request.headerReadings();
        if (action == null || !tables.isEmpty() || isSshOnly() || !matchesClass(request.statementClass())
                || !headers.entrySet().stream().allMatch(h -> read.containsKey(h.getKey()) && (strict
                        ? h.getValue().matcher(read.get(h.getKey())).find()
                        : anyValueReading(ignoringCase(h.getValue()), read.get(h.getKey()))))) {
            return false;
        }
        if (strict) {
            return (methods.isEmpty() || methods.containsAll(request.methods()))
                    && (paths.isEmpty() || paths.stream().anyMatch(p -> p.matcher(request.path()).matches()))
                    && (command == null || command.matcher(request.requestLine()).find());
        }
        return (methods.isEmpty() || request.methods().stream().anyMatch(methods::contains))
                && (paths.isEmpty() || request.pathReadings().stream().anyMatch(reading -> paths.stream()
                        .anyMatch(p -> ignoringCase(p).matcher(reading).matches())))
                && (command == null || request.requestLineReadings().stream()
                        .anyMatch(line -> command.matcher(line).find()));
    }

    /**
     * Whether a header's value, as a target may read it, meets a blocking or holding rule's
     * pattern: the lines of a header sent more than once are joined with {@code ", "}, which a
     * target may read whole (Node, PHP), or take one line of, the first (Go's {@code Header.Get},
     * Python's {@code http.client}) or the last (a proxy's or framework's "last one wins"), or
     * split as a list. So {@code X-Dry-Run: true} then {@code X-Dry-Run: false} meets
     * {@code ^false$}: each comma-separated element, spaces around it dropped, is a reading too.
     */
    private static boolean anyValueReading(Pattern pattern, String joined) {
        if (pattern.matcher(joined).find()) {
            return true;
        }
        if (joined.indexOf(',') < 0) {
            return false;
        }
        for (String element : joined.split(",", -1)) {
            if (pattern.matcher(element.strip()).find()) {
                return true;
            }
        }
        return false;
    }

    /** {@code pattern} compiled once more without regard to case (kept while the policy holds the pattern). */
    private static Pattern ignoringCase(Pattern pattern) {
        synchronized (IGNORING_CASE) {
            return IGNORING_CASE.computeIfAbsent(pattern,
                    p -> Pattern.compile(p.pattern(), p.flags() | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        }
    }

    private static final Map<Pattern, Pattern> IGNORING_CASE = new WeakHashMap<>();

    /** True when the rule's conditions about the statement hold and it has an action to apply. */
    boolean matches(ClassifiedStatement statement) {
        return action != null
                && !isHttpOnly()
                && !isSshOnly()
                && matchesClass(statement.statementClass())
                && (tables.isEmpty() || statement.tables().stream().anyMatch(this::tableMatches))
                && (command == null || commandFound(statement.text())
                        || (statement.runs() != null && commandFound(statement.runs())));
    }

    /**
     * The pattern is looked for in the text as written; a rule that blocks or holds also looks in
     * the text as PostgreSQL reads it ({@link CommandReading}), so comments, line breaks and quoted
     * identifiers do not walk around it. An allow rule needs the text as written.
     */
    private boolean commandFound(String text) {
        return command.matcher(text).find()
                || (action != Action.ALLOW && command.matcher(CommandReading.of(text)).find());
    }

    /** Whether the rule's class conditions hold: the class is listed, or at least as risky as {@code minClass}. */
    private boolean matchesClass(StatementClass statementClass) {
        return (classes.isEmpty() || classes.contains(statementClass))
                && (minClass == null || statementClass.isAtLeast(minClass));
    }

    /**
     * Whether the rule names {@code statementClass} in {@code classes}: only such a rule decides a
     * statement of the highest risk without {@code defaults.highRisk} taking part.
     */
    boolean namesClass(StatementClass statementClass) {
        return classes.contains(statementClass);
    }

    private boolean tableMatches(String table) {
        String qualified = table.toLowerCase(Locale.ROOT).replace("\"", "");
        if (!qualified.contains(".")) {
            qualified = "public." + qualified;
        }
        String bare = qualified.substring(qualified.lastIndexOf('.') + 1);
        for (String pattern : tables) {
            if (pattern.contains(".") ? glob(pattern, qualified) : glob(pattern, bare)) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP path pattern: {@code *} within a segment, {@code **} across segments, the rest literal. */
    static Pattern pathPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static boolean glob(String pattern, String value) {
        return value.matches(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    }

    private static List<String> copy(List<String> values) {
        return values == null ? List.of() : List.copyOf(values);
    }
}
