package dev.tracegate.gateway.config;

/** The configuration is missing something or says something impossible; the message says what. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
