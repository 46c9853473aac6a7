package dev.tracegate.masking;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** The kinds of personal or secret data the masker knows. */
public enum EntityType {
    EMAIL,
    PHONE,
    /** Payment card number (PAN). */
    CARD,
    IBAN,
    /** United States social security number. */
    SSN,
    /** IPv4 or IPv6 address. */
    IP,
    /** Credentials: cloud access keys, tokens, JWTs, private keys, values assigned to password= and friends. */
    SECRET,
    PERSON_NAME,
    DATE_OF_BIRTH,
    /** Found by a configured pattern or term list. */
    CUSTOM;

    /** Reads {@code email}, {@code EMAIL}, {@code date-of-birth} or {@code date_of_birth}, as configuration files spell it. */
    @JsonCreator
    public static EntityType parse(String text) {
        String name = text.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (EntityType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        // No cause attached: Jackson reports the root cause's message, and this one is the helpful one.
        throw new IllegalArgumentException("unknown entity type '" + text + "'; known: " + java.util.Arrays.toString(values()));
    }
}
