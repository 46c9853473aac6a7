package dev.tracegate.masking;

import dev.tracegate.masking.config.ColumnRuleConfig;
import dev.tracegate.masking.config.CustomDetectorConfig;
import dev.tracegate.masking.config.FieldRuleConfig;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.config.StrategyConfig;
import dev.tracegate.masking.detect.CardDetector;
import dev.tracegate.masking.detect.CustomDetector;
import dev.tracegate.masking.detect.EmailDetector;
import dev.tracegate.masking.detect.IbanDetector;
import dev.tracegate.masking.detect.IpAddressDetector;
import dev.tracegate.masking.detect.PhoneDetector;
import dev.tracegate.masking.detect.SecretDetector;
import dev.tracegate.masking.detect.SsnDetector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A validated, compiled set of masking rules: which detectors run on text, which columns and JSON
 * fields are masked whole and how, which names imply an entity, and the work limits. Immutable and
 * thread-safe; one per configured profile, shared by every session that uses it.
 */
public final class MaskingProfile {

    /** Built-in detectors run in this order; overlapping finds take the entity of the earlier one. */
    private static final List<EntityType> DETECTOR_ORDER = List.of(
            EntityType.SECRET, EntityType.CARD, EntityType.IBAN, EntityType.SSN, EntityType.EMAIL, EntityType.PHONE,
            EntityType.IP);

    private final ContentScanner scanner;
    private final List<ColumnRule> columnRules;
    private final List<FieldRule> fieldRules;
    private final Set<EntityType> hints;
    private final Map<EntityType, MaskStrategy> strategies;
    private final Limits limits;
    private final List<String> detectorNames;

    private MaskingProfile(ContentScanner scanner, List<ColumnRule> columnRules, List<FieldRule> fieldRules,
            Set<EntityType> hints, Map<EntityType, MaskStrategy> strategies, Limits limits, List<String> detectorNames) {
        this.scanner = scanner;
        this.columnRules = List.copyOf(columnRules);
        this.fieldRules = List.copyOf(fieldRules);
        this.hints = Collections.unmodifiableSet(hints.isEmpty() ? EnumSet.noneOf(EntityType.class) : EnumSet.copyOf(hints));
        this.strategies = Collections.unmodifiableMap(new EnumMap<>(strategies));
        this.limits = limits;
        this.detectorNames = List.copyOf(detectorNames);
    }

    /**
     * Validates and compiles {@code config}. Every problem is an {@link IllegalArgumentException}
     * whose message names the offending rule.
     *
     * @param hashKey the key for hash strategies, or {@code null} when the profile uses none
     */
    public static MaskingProfile from(MaskingConfig config, HashKey hashKey) {
        Map<EntityType, MaskStrategy> strategies = new EnumMap<>(EntityType.class);
        for (EntityType type : EntityType.values()) {
            strategies.put(type, MaskStrategy.redact());
        }
        config.strategies().forEach((name, strategy) ->
                strategies.put(EntityType.parse(name), strategy.toStrategy(hashKey, null)));

        List<String> names = new ArrayList<>();
        List<ContentScanner.Rule> contentRules = new ArrayList<>();
        for (EntityType type : DETECTOR_ORDER) {
            if (config.detect().contains(type)) {
                Detector detector = builtIn(type, config.phoneRegions());
                contentRules.add(new ContentScanner.Rule(detector, type.name(), strategies.get(type)));
                names.add(type.name());
            }
        }
        for (CustomDetectorConfig custom : config.custom()) {
            CustomDetector detector = new CustomDetector(custom.name(), custom.pattern(), custom.denyList(),
                    custom.allowList());
            StrategyConfig strategy = custom.strategy() != null ? custom.strategy() : StrategyConfig.redact();
            String placeholder = "[" + custom.name().toUpperCase(Locale.ROOT).replace('-', '_') + "]";
            String label = customLabel(custom.name());
            contentRules.add(new ContentScanner.Rule(detector, label, strategy.toStrategy(hashKey, placeholder)));
            names.add(label);
        }

        List<ColumnRule> columnRules = new ArrayList<>();
        for (ColumnRuleConfig rule : config.columns()) {
            boolean json = Boolean.TRUE.equals(rule.json());
            MaskStrategy strategy = json ? null
                    : rule.strategy() != null ? rule.strategy().toStrategy(hashKey, null) : strategies.get(rule.entity());
            columnRules.add(new ColumnRule(rule.match() == null ? null : ColumnPattern.parse(rule.match()), rule.type(),
                    rule.entity(), rule.entity() == null ? null : rule.entity().name(), strategy, json,
                    rule.uses() == null ? null : Set.copyOf(rule.uses())));
        }
        List<FieldRule> fieldRules = new ArrayList<>();
        for (FieldRuleConfig rule : config.fields()) {
            MaskStrategy strategy = rule.strategy() != null ? rule.strategy().toStrategy(hashKey, null)
                    : strategies.get(rule.entity());
            fieldRules.add(new FieldRule(JsonPathPattern.parse(rule.path()), rule.entity(), rule.entity().name(), strategy));
        }
        Set<EntityType> hints = config.hints().isEmpty() ? EnumSet.noneOf(EntityType.class) : EnumSet.copyOf(config.hints());
        return new MaskingProfile(new ContentScanner(contentRules), columnRules, fieldRules, hints, strategies,
                config.limits().toLimits(), names);
    }

    /** All defaults: every content detector and hint, redact, default limits. Needs no key. */
    public static MaskingProfile defaults() {
        return from(MaskingConfig.defaults(), null);
    }

    /** The demo's profile ({@link MaskingConfig#demo()}); its e-mail pseudonyms need {@code hashKey}. */
    public static MaskingProfile demo(HashKey hashKey) {
        return from(MaskingConfig.demo(), hashKey);
    }

    static String customLabel(String name) {
        return "CUSTOM:" + name;
    }

    private static Detector builtIn(EntityType type, List<String> phoneRegions) {
        return switch (type) {
            case SECRET -> new SecretDetector();
            case CARD -> new CardDetector();
            case IBAN -> new IbanDetector();
            case SSN -> new SsnDetector();
            case EMAIL -> new EmailDetector();
            case PHONE -> new PhoneDetector(phoneRegions);
            case IP -> new IpAddressDetector();
            default -> throw new IllegalArgumentException(type + " has no content detector");
        };
    }

    public Limits limits() {
        return limits;
    }

    /** The content detectors in the order they run: EMAIL, ..., CUSTOM:name. */
    public List<String> detectors() {
        return detectorNames;
    }

    public Set<EntityType> hints() {
        return hints;
    }

    ContentScanner scanner() {
        return scanner;
    }

    List<ColumnRule> columnRules() {
        return columnRules;
    }

    List<FieldRule> fieldRules() {
        return fieldRules;
    }

    MaskStrategy strategyFor(EntityType type) {
        return strategies.get(type);
    }

    /**
     * Whether a column of this name, in some table, would be masked whole: a column rule names it
     * (whatever table and type the rule asks for) or a name hint covers it (a bare {@code name}
     * counts, as it would in a table of people). A recorder skips finding where a statement's
     * values go when the statement names no such column.
     */
    public boolean mayMaskColumnNamed(String column) {
        for (ColumnRule rule : columnRules) {
            if (rule.name() != null && rule.name().matchesColumnName(column)) {
                return true;
            }
        }
        return hint("customers", column) != null;
    }

    /** The hinted entity for a name in a container (table or parent field), if hints cover it. */
    EntityType hint(String container, String name) {
        if (hints.isEmpty()) {
            return null;
        }
        EntityType type = NameHints.entityFor(container, name);
        return type != null && hints.contains(type) ? type : null;
    }

    @Override
    public String toString() {
        return "MaskingProfile[detectors=" + detectorNames + ", columnRules=" + columnRules + ", fieldRules="
                + fieldRules.size() + ", hints=" + hints + ", limits=" + limits + "]";
    }
}
