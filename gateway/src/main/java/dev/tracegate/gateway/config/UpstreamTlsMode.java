package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the gateway protects its own connection to a target, in libpq's sslmode vocabulary. */
public enum UpstreamTlsMode {
    /** Plain TCP. Only for targets on a trusted network or loopback. */
    DISABLE("disable"),
    /** TLS without checking the certificate: encrypted, not authenticated. */
    REQUIRE("require"),
    /** TLS, certificate chain checked against the configured CA, host name checked. */
    VERIFY_FULL("verify-full");

    private final String name;

    UpstreamTlsMode(String name) {
        this.name = name;
    }

    @JsonValue
    public String configName() {
        return name;
    }

    @JsonCreator
    public static UpstreamTlsMode fromConfig(String value) {
        for (UpstreamTlsMode mode : values()) {
            if (mode.name.equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new ConfigException("unknown upstream tls mode '" + value + "' (use disable, require or verify-full)");
    }
}
