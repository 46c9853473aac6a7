package dev.tracegate.policy.rules;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.policy.sql.StatementClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the YAML policy language (docs/policy.md) into a {@link Policy}. Unknown keys, unknown
 * classes and bad patterns are errors that name the rule, so a typo never silently widens access.
 */
public final class PolicyParser {

    // An empty entry in any list or map ("rules:\n  - ", "groups: [~]") is an error at its place,
    // not a null for the rules below to trip over.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIELD_STEP = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[(\\d+)]");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

    private PolicyParser() {
    }

    /** The YAML document as written. */
    record Document(Defaults defaults, List<RuleDocument> rules, MaskingDocument masking) {
    }

    /**
     * @param profiles masking profiles by name (docs/masking.md for their keys)
     * @param record   the profile that masks recorded result data of callers whose results are not masked
     * @param otherContent {@code block} (default) or {@code pass}: HTTP bodies the masker cannot read, for masked callers
     * @param terminal     {@code mask} (default) or {@code pass}: SSH exec and shell output
     */
    record MaskingDocument(Map<String, MaskingConfig> profiles, String record, String otherContent, String terminal) {
    }

    record Defaults(String action, String highRisk, Map<String, String> connections, List<String> approvers,
                    Integer minApprovals, String timeout, List<String> breakGlass, String approversSee) {
    }

    record RuleDocument(String name, List<String> connections, List<String> protocols, List<String> groups,
                        List<String> exceptGroups, List<String> kinds,
                        List<String> classes, String minClass, List<String> tables, String command, String action,
                        String reason,
                        List<String> approvers, Integer minApprovals, String timeout, List<String> breakGlass,
                        String approversSee, String mask, List<String> methods, List<String> paths,
                        Map<String, String> headers, Map<String, String> fields, List<String> operations,
                        List<String> files) {
    }

    /** A policy whose masking profiles use no {@code hash} strategy (there is no key to hash with). */
    public static Policy parse(String yaml) {
        return parse(yaml, null);
    }

    /**
     * @param hashKey the gateway's key for {@code hash} masking strategies ({@code masking.hashKey} in
     *                its configuration), or {@code null} when none is configured
     */
    public static Policy parse(String yaml, HashKey hashKey) {
        Document document;
        try {
            document = YAML.readValue(yaml, Document.class);
        } catch (UnrecognizedPropertyException e) {
            throw new PolicyException("unknown policy key '" + e.getPropertyName() + "'" + at(e));
        } catch (JsonMappingException e) {
            throw new PolicyException("invalid policy" + at(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PolicyException("invalid policy YAML: " + e.getMessage());
        }
        if (document == null) {
            throw new PolicyException("the policy document is empty");
        }
        Defaults defaults = document.defaults() == null
                ? new Defaults(null, null, null, null, null, null, null, null) : document.defaults();
        List<Rule> rules = new ArrayList<>();
        for (RuleDocument rule : document.rules() == null ? List.<RuleDocument>of() : document.rules()) {
            rules.add(rule(rule));
        }
        Map<String, Action> perConnection = new LinkedHashMap<>();
        if (defaults.connections() != null) {
            defaults.connections().forEach((name, action) -> perConnection.put(name, action(action, "defaults.connections." + name)));
        }
        ApprovalSpec defaultApproval = defaults.approvers() == null && defaults.breakGlass() == null ? null
                : new ApprovalSpec(defaults.approvers(), orOne(defaults.minApprovals()), duration(defaults.timeout(), "defaults"),
                defaults.breakGlass(), clearStatement(defaults.approversSee(), "defaults"));
        MaskingDocument masking = document.masking() == null ? new MaskingDocument(null, null, null, null) : document.masking();
        Map<String, Masker> profiles = maskingProfiles(masking, hashKey);
        if (masking.record() != null && !profiles.containsKey(masking.record())) {
            throw new PolicyException("masking.record: profile '" + masking.record() + "' is not defined under masking.profiles");
        }
        return new Policy(rules, defaults.action() == null ? Action.ALLOW : action(defaults.action(), "defaults.action"),
                perConnection, defaults.highRisk() == null ? Action.BLOCK : action(defaults.highRisk(), "defaults.highRisk"),
                defaultApproval, sha256(yaml), profiles, masking.record() == null ? null : profiles.get(masking.record()),
                isChosen(masking.otherContent(), "masking.otherContent", "block", "pass"),
                !isChosen(masking.terminal(), "masking.terminal", "mask", "pass"));
    }

    /**
     * A masking key with two values: whether {@code value} is {@code chosen} rather than
     * {@code fallback}, the default when it is left out.
     */
    private static boolean isChosen(String value, String key, String fallback, String chosen) {
        if (value == null || value.equalsIgnoreCase(fallback)) {
            return false;
        }
        if (value.equalsIgnoreCase(chosen)) {
            return true;
        }
        throw new PolicyException(key + " must be " + fallback + " or " + chosen + ", got '" + value + "'");
    }

    private static Map<String, Masker> maskingProfiles(MaskingDocument masking, HashKey hashKey) {
        Map<String, Masker> profiles = new LinkedHashMap<>();
        if (masking.profiles() == null) {
            return profiles;
        }
        masking.profiles().forEach((name, config) -> {
            try {
                profiles.put(name, new Masker(MaskingProfile.from(config == null ? MaskingConfig.defaults() : config, hashKey)));
            } catch (IllegalArgumentException e) {
                String hint = hashKey == null && e.getMessage().contains("hash key")
                        ? " (set masking.hashKey in the gateway configuration)" : "";
                throw new PolicyException("masking profile " + name + ": " + e.getMessage() + hint);
            }
        });
        return profiles;
    }

    /** Where in the document a binding error is, e.g. {@code masking.profiles.pii.strategies}. */
    private static String at(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
        return path.isEmpty() ? "" : " at " + path;
    }

    private static Rule rule(RuleDocument doc) {
        String where = "rule " + (doc.name() == null ? "(unnamed)" : doc.name());
        Action action = doc.action() == null && doc.mask() != null ? null : action(doc.action(), where);
        ApprovalSpec approval = action != Action.APPROVE ? null
                : new ApprovalSpec(doc.approvers(), orOne(doc.minApprovals()), duration(doc.timeout(), where), doc.breakGlass(),
                clearStatement(doc.approversSee(), where), definition(doc));
        if (action != Action.APPROVE && (doc.approvers() != null || doc.minApprovals() != null || doc.approversSee() != null)) {
            throw new PolicyException(where + ": approvers only apply to action approve");
        }
        List<StatementClass> classes = new ArrayList<>();
        for (String name : doc.classes() == null ? List.<String>of() : doc.classes()) {
            classes.add(statementClass(name, where));
        }
        StatementClass minClass = doc.minClass() == null ? null : statementClass(doc.minClass(), where + ": minClass");
        Pattern command = doc.command() == null ? null : regex(doc.command(), where + ": command");
        List<Pattern> paths = new ArrayList<>();
        for (String path : doc.paths() == null ? List.<String>of() : doc.paths()) {
            if (!path.startsWith("/")) {
                throw new PolicyException(where + ": path pattern '" + path + "' must start with /");
            }
            paths.add(Rule.pathPattern(path));
        }
        Map<String, Pattern> headers = new LinkedHashMap<>();
        if (doc.headers() != null) {
            doc.headers().forEach((name, regex) -> headers.put(name.toLowerCase(Locale.ROOT),
                    regex(regex, where + ": header " + name)));
        }
        Map<JsonPointer, Pattern> fields = new LinkedHashMap<>();
        if (doc.fields() != null) {
            doc.fields().forEach((path, regex) -> fields.put(pointer(path, where), regex(regex, where + ": field " + path)));
        }
        List<SshOperation> operations = new ArrayList<>();
        for (String operation : doc.operations() == null ? List.<String>of() : doc.operations()) {
            operations.add(SshOperation.fromConfigName(operation).orElseThrow(() -> new PolicyException(where
                    + ": unknown SSH operation '" + operation + "' (exec, shell, read, write, delete, rename,"
                    + " agent-forwarding, port-forwarding, x11-forwarding, env)")));
        }
        List<Pattern> files = new ArrayList<>();
        for (String file : doc.files() == null ? List.<String>of() : doc.files()) {
            if (file == null || !file.startsWith("/")) {
                throw new PolicyException(where + ": file pattern '" + file + "' must start with /");
            }
            files.add(Rule.pathPattern(file));
        }
        return new Rule(doc.name(), doc.connections(), doc.protocols(), doc.groups(), doc.exceptGroups(), doc.kinds(),
                classes, minClass, doc.tables(), command, action, doc.reason(), approval, doc.mask(), doc.methods(), paths,
                headers, fields, operations, files);
    }

    /**
     * What a rule says ({@link ApprovalSpec#ruleDefinition()}): the SHA-256 of its document without
     * what changes neither what it holds nor who may let it through (its name, reason, timeout and
     * {@code approversSee}). Grants are bound to it, not to the name alone: a reload may rename a
     * rule and give its old name to another that holds other tables for the same approvers.
     */
    private static String definition(RuleDocument doc) {
        RuleDocument what = new RuleDocument(null, doc.connections(), doc.protocols(), doc.groups(), doc.exceptGroups(),
                doc.kinds(), doc.classes(), doc.minClass(), doc.tables(), doc.command(), doc.action(), null, doc.approvers(),
                orOne(doc.minApprovals()), null, doc.breakGlass(), null, doc.mask(), doc.methods(), doc.paths(),
                doc.headers(), doc.fields(), doc.operations(), doc.files());
        try {
            return sha256(JSON.writeValueAsString(what));
        } catch (IOException e) {
            throw new IllegalStateException("a rule's document could not be written as JSON", e);
        }
    }

    /** {@code $.a.b[0].c} as the JSON Pointer {@code /a/b/0/c}. */
    static JsonPointer pointer(String path, String where) {
        if (!path.startsWith("$")) {
            throw new PolicyException(where + ": field '" + path + "' must start with $ (e.g. $.action or $.items[0].id)");
        }
        StringBuilder pointer = new StringBuilder();
        var matcher = FIELD_STEP.matcher(path.substring(1));
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            pointer.append('/').append(name.replace("~", "~0").replace("/", "~1"));
            end = matcher.end();
        }
        if (end != path.length() - 1 || pointer.isEmpty()) {
            throw new PolicyException(where + ": field '" + path + "' is not a path of names and [index] steps");
        }
        return JsonPointer.compile(pointer.toString());
    }

    private static Pattern regex(String value, String where) {
        if (value == null) {
            throw new PolicyException(where + " has no pattern");
        }
        try {
            return Pattern.compile(value, Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new PolicyException(where + " is not a valid regular expression: " + e.getDescription());
        }
    }

    /** {@code approversSee}: {@code masked} (the default) or {@code clear}. */
    private static boolean clearStatement(String value, String where) {
        if (value == null || value.trim().equalsIgnoreCase("masked")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("clear")) {
            return true;
        }
        throw new PolicyException(where + ": approversSee must be masked or clear, got '" + value + "'");
    }

    private static Action action(String value, String where) {
        if (value == null) {
            throw new PolicyException(where + ": action is required (allow, approve or block)");
        }
        try {
            return Action.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PolicyException(where + ": unknown action '" + value + "' (allow, approve or block)");
        }
    }

    private static StatementClass statementClass(String value, String where) {
        try {
            return StatementClass.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
        } catch (IllegalArgumentException e) {
            throw new PolicyException(where + ": unknown statement class '" + value + "' (read, write, bulk_write, ddl,"
                    + " privilege, dangerous_admin, transaction, session, unknown)");
        }
    }

    /** {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT10M}). */
    public static Duration duration(String value, String where) {
        if (value == null) {
            return null;
        }
        var matcher = DURATION.matcher(value.trim());
        if (matcher.matches()) {
            try {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } catch (ArithmeticException | NumberFormatException e) {
                // More digits than any duration holds: a mistake to name, not a crash.
                throw new PolicyException(where + ": '" + value + "' is longer than any duration can be");
            }
        }
        try {
            return Duration.parse(value.trim());
        } catch (RuntimeException e) {
            throw new PolicyException(where + ": '" + value + "' is not a duration (e.g. 30s, 10m, 2h)");
        }
    }

    /** The document's SHA-256, also for documents that do not parse (recorded when a reload is rejected). */
    public static String documentHash(String yaml) {
        return sha256(yaml);
    }

    private static int orOne(Integer value) {
        return value == null ? 1 : value;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
