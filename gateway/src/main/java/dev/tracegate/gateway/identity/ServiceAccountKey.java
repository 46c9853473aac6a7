package dev.tracegate.gateway.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One key of a service account, as stored: everything but the key itself.
 *
 * @param id          short public id, for listing and revoking
 * @param account     the service account; its identity's subject is {@code sa:<account>}
 * @param groups      groups the key grants
 * @param kind        {@code service} or {@code agent}
 * @param description what it is for, optional
 * @param createdAt   when it was created
 * @param createdBy   the subject of whoever created it, optional
 * @param createdByEmail their email address when they had one (keys created before migration V16 hold none)
 * @param expiresAt   when it stops working by itself, or null
 * @param revokedAt   when it was revoked, or null
 * @param lastUsedAt  when it last authenticated (recorded at most once a minute), or null
 * @param sshKey      for an OpenSSH public key registered to the account (sign-in by SSH only), its
 *                    SHA-256 fingerprint; null for a secret key ({@code tgsa_...})
 */
public record ServiceAccountKey(String id, String account, List<String> groups, String kind, String description,
                                Instant createdAt, String createdBy, String createdByEmail, Instant expiresAt, Instant revokedAt,
                                Instant lastUsedAt, String sshKey) {

    public ServiceAccountKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(account, "account");
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** Who created it, as approvals compare people; empty for a key with no recorded creator. */
    public Optional<KeyCreator> creator() {
        return createdBy == null ? Optional.empty() : Optional.of(new KeyCreator(createdBy, createdByEmail));
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The identity this key authenticates as. */
    public Identity identity() {
        return new Identity(ApiKeyVerifier.ISSUER, TokenExchange.SERVICE_ACCOUNT_PREFIX + account, account, null, groups, kind);
    }
}
