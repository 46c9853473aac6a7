package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SessionKey;
import java.util.Objects;

/**
 * Who opened a session and the key they signed in with, which the session keeps so that each of
 * its commands can ask whether that key still stands ({@link CommandGate}).
 */
public record SignedInCaller(Identity identity, SessionKey key) {

    public SignedInCaller {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(key, "key");
    }
}
