package dev.tracegate.gateway.identity;

import java.util.Optional;

/**
 * Who created the key a sign-in began with, where the gateway keeps it: a service-account key's
 * creator (their subject, as the key's {@code created_by} records it, and their email address). The key's secret is shown
 * once, to them, so they hold it: what is done with the key is done on their side.
 */
@FunctionalInterface
public interface KeyCreators {

    /** Knows no key's creator. */
    KeyCreators NONE = key -> Optional.empty();

    /** Whoever created {@code key}, when it is a key the gateway created and kept that for. */
    Optional<KeyCreator> creatorOf(CredentialRef key);
}
