package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which TLS implementation terminates clients on the database listeners (PostgreSQL, MySQL).
 *
 * <p>The JDK's TLS is Java code that the JIT compiles as connections arrive: a gateway restarted
 * under load meets its clients' reconnect storm with an interpreted handshake, several times
 * dearer than a compiled one. BoringSSL (through Netty's engine) is native code from the first
 * connection. The HTTP listeners (Jetty) always use the JDK's.
 */
public enum TlsEngine {
    /** BoringSSL where its native library loads on this platform (Linux x86-64 and aarch64), else the JDK's. */
    AUTO("auto"),
    /** The JDK's TLS (JSSE). */
    JDK("jdk"),
    /** BoringSSL; the gateway does not start without it. */
    OPENSSL("openssl");

    private final String name;

    TlsEngine(String name) {
        this.name = name;
    }

    @JsonValue
    public String configName() {
        return name;
    }

    @JsonCreator
    public static TlsEngine fromConfig(String value) {
        for (TlsEngine engine : values()) {
            if (engine.name.equalsIgnoreCase(value)) {
                return engine;
            }
        }
        throw new ConfigException("unknown tls.engine '" + value + "' (use auto, jdk or openssl)");
    }
}
