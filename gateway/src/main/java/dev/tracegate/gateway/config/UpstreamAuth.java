package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The weakest way a PostgreSQL upstream may log the gateway in. The gateway holds a password that
 * must only ever reach the real server, so anything weaker than configured is refused before the
 * password is used, whatever the TLS mode.
 *
 * <p>Ordered from weakest to strongest: a method is accepted when it is at least the configured one.
 */
public enum UpstreamAuth {
    /** No password at all: the server lets the gateway in on its own say (pg_hba {@code trust}). */
    TRUST("trust"),
    /** The password itself, in clear over the connection (pg_hba {@code password}). */
    PASSWORD("password"),
    /** MD5 of the password with a salt the server picks: replayable by anyone who learns the stored hash. */
    MD5("md5"),
    /** SCRAM-SHA-256, the server proving it knows the password's verifier; channel binding when TLS offers it. */
    SCRAM("scram"),
    /** SCRAM-SHA-256-PLUS only: the proof is bound to the TLS connection, so no one in the middle can relay it. */
    SCRAM_PLUS("scram-plus");

    private final String name;

    UpstreamAuth(String name) {
        this.name = name;
    }

    @JsonValue
    public String configName() {
        return name;
    }

    /** True when a login by {@code performed} is as strong as this setting asks. */
    public boolean acceptsAtLeast(UpstreamAuth performed) {
        return performed.ordinal() >= ordinal();
    }

    @JsonCreator
    public static UpstreamAuth fromConfig(String value) {
        for (UpstreamAuth auth : values()) {
            if (auth.name.equalsIgnoreCase(value)) {
                return auth;
            }
        }
        throw new ConfigException("unknown upstreamAuth '" + value + "' (use scram-plus, scram, md5, password or trust)");
    }
}
