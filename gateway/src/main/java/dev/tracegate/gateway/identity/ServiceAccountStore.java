package dev.tracegate.gateway.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Service-account keys created at run time. Implementations keep only the keys' SHA-256 digests,
 * and of registered SSH public keys only their fingerprints.
 */
public interface ServiceAccountStore {

    /** Creates a key; the returned secret is not kept and cannot be shown again. */
    CreatedServiceAccountKey create(NewServiceAccountKey request);

    /** Every key, revoked and expired ones included, by account then creation time. */
    List<ServiceAccountKey> list();

    /**
     * Registers an OpenSSH public key to an account, with the groups and kind it grants.
     *
     * @throws IllegalArgumentException when the key is registered already (to any account, revoked or not)
     */
    ServiceAccountKey register(NewServiceAccountKey request, SshPublicKey key);

    Optional<ServiceAccountKey> find(String id);

    /** The key whose secret has this digest ({@link ServiceAccountSecret#hash}). */
    Optional<ServiceAccountKey> findBySecretHash(String secretHash);

    /** Revokes a key; false when there is no such key or it was already revoked. */
    boolean revoke(String id, Instant at);

    void recordUse(String id, Instant at);
}
