package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret named in the configuration by reference: {@code env:NAME} or {@code file:/path}.
 *
 * <p>Configuration files are shared, reviewed and committed, so they never carry a secret
 * themselves. {@link #toString()} prints the reference, never the value, so a config dump or a
 * log line cannot leak it.
 */
public record SecretReference(String reference) {

    public SecretReference {
        if (reference == null || !(reference.startsWith("env:") || reference.startsWith("file:"))) {
            throw new ConfigException("a secret must be given by reference, as env:NAME or file:/path"
                    + " (got " + (reference == null ? "nothing" : "a literal value") + ")");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SecretReference of(String reference) {
        return new SecretReference(reference);
    }

    /** The file a {@code file:} reference names, to watch for a rotation; null for {@code env:}. */
    public Path file() {
        return reference.startsWith("file:") ? Path.of(reference.substring(5)) : null;
    }

    /** Reads the secret now; fails with a message that names the reference, never the value. */
    public String resolve() {
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String value = System.getenv(name);
            if (value == null || value.isEmpty()) {
                throw new ConfigException("environment variable " + name + " is not set (" + reference + ")");
            }
            return value;
        }
        Path path = file();
        try {
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException("cannot read secret file " + path + ": " + e.getClass().getSimpleName());
        }
    }

    @JsonValue
    @Override
    public String toString() {
        return reference;
    }
}
