package dev.tracegate.gateway.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Service-account keys created at run time. Implementations keep only the keys' SHA-256 digests. */
public interface ServiceAccountStore {

    /** Creates a key; the returned secret is not kept and cannot be shown again. */
    CreatedServiceAccountKey create(NewServiceAccountKey request);

    /** Every key, revoked and expired ones included, by account then creation time. */
    List<ServiceAccountKey> list();

    Optional<ServiceAccountKey> find(String id);

    /** The key whose secret has this digest ({@link ServiceAccountSecret#hash}). */
    Optional<ServiceAccountKey> findBySecretHash(String secretHash);

    /** Revokes a key; false when there is no such key or it was already revoked. */
    boolean revoke(String id, Instant at);

    void recordUse(String id, Instant at);
}
