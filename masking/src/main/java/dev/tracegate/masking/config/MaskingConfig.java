package dev.tracegate.masking.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tracegate.masking.EntityType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One masking profile as configured. Every field may be left out:
 *
 * @param detect       content detectors run on every text value: EMAIL, PHONE, CARD, IBAN, SSN, IP,
 *                     SECRET (default: all of them)
 * @param phoneRegions regions whose national phone formats are recognised (default US, GB, DE, FR, IN);
 *                     numbers in international form are recognised for every country
 * @param hints        entities inferred from column and JSON field names (default: all of
 *                     EMAIL, PHONE, CARD, IBAN, SSN, IP, SECRET, PERSON_NAME, DATE_OF_BIRTH); {@code []} turns hints off
 * @param strategies   strategy per entity for content finds and hints (default: redact)
 * @param columns      column rules, first match wins
 * @param fields       JSON field rules, first match wins
 * @param custom       custom detectors, run after the built-in ones
 * @param limits       work limits and fallbacks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MaskingConfig(List<EntityType> detect, List<String> phoneRegions, List<EntityType> hints,
        Map<String, StrategyConfig> strategies, List<ColumnRuleConfig> columns, List<FieldRuleConfig> fields,
        List<CustomDetectorConfig> custom, LimitsConfig limits) {

    /** Detectors that read free text. Names and birth dates have no shape of their own: hints find them. */
    public static final Set<EntityType> CONTENT_ENTITIES = EnumSet.of(
            EntityType.SECRET, EntityType.CARD, EntityType.IBAN, EntityType.SSN, EntityType.EMAIL, EntityType.PHONE,
            EntityType.IP);
    public static final Set<EntityType> HINT_ENTITIES = EnumSet.of(
            EntityType.EMAIL, EntityType.PHONE, EntityType.CARD, EntityType.IBAN, EntityType.SSN, EntityType.IP,
            EntityType.SECRET, EntityType.PERSON_NAME, EntityType.DATE_OF_BIRTH);
    public static final List<String> DEFAULT_PHONE_REGIONS = List.of("US", "GB", "DE", "FR", "IN");

    public MaskingConfig {
        detect = detect == null ? List.copyOf(CONTENT_ENTITIES) : List.copyOf(detect);
        for (EntityType type : detect) {
            if (!CONTENT_ENTITIES.contains(type)) {
                throw new IllegalArgumentException("detect: " + type + " cannot be found in free text; "
                        + (type == EntityType.CUSTOM ? "configure it under custom" : "use hints or a column rule"));
            }
        }
        phoneRegions = phoneRegions == null ? DEFAULT_PHONE_REGIONS : List.copyOf(phoneRegions);
        hints = hints == null ? List.copyOf(HINT_ENTITIES) : List.copyOf(hints);
        for (EntityType type : hints) {
            if (!HINT_ENTITIES.contains(type)) {
                throw new IllegalArgumentException("hints: " + type + " is not inferred from names");
            }
        }
        strategies = strategies == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(strategies));
        for (String entity : strategies.keySet()) {
            EntityType.parse(entity); // fails with the list of known types
        }
        columns = columns == null ? List.of() : List.copyOf(columns);
        fields = fields == null ? List.of() : List.copyOf(fields);
        custom = custom == null ? List.of() : List.copyOf(custom);
        limits = limits == null ? new LimitsConfig(null, null, null, null, null) : limits;
    }

    /** Everything at its default: all content detectors and hints, redact. */
    public static MaskingConfig defaults() {
        return new MaskingConfig(null, null, null, null, null, null, null, null);
    }

    /**
     * The demo's profile for people outside {@code pii-readers}: the personal columns of {@code
     * customers} masked whole (e-mail as a joinable format-preserving pseudonym, phone, card and
     * national id down to their last four, date of birth redacted), and every other text value,
     * {@code customers.notes} included, scanned by all content detectors. {@code customers.name}
     * stays readable so that rows can be told apart; add PERSON_NAME to the hints to mask it too.
     */
    public static MaskingConfig demo() {
        List<EntityType> hints = List.of(EntityType.EMAIL, EntityType.PHONE, EntityType.CARD, EntityType.IBAN,
                EntityType.SSN, EntityType.IP, EntityType.SECRET, EntityType.DATE_OF_BIRTH);
        List<ColumnRuleConfig> columns = List.of(
                ColumnRuleConfig.mask("customers.email", EntityType.EMAIL, StrategyConfig.hash(true)),
                ColumnRuleConfig.mask("customers.phone", EntityType.PHONE, StrategyConfig.partial(4)),
                ColumnRuleConfig.mask("customers.card_number", EntityType.CARD, StrategyConfig.partial(4)),
                ColumnRuleConfig.mask("customers.national_id", EntityType.SSN, StrategyConfig.partial(4)),
                ColumnRuleConfig.mask("customers.date_of_birth", EntityType.DATE_OF_BIRTH, StrategyConfig.redact()));
        return new MaskingConfig(null, null, hints, null, columns, null, null, null);
    }
}
