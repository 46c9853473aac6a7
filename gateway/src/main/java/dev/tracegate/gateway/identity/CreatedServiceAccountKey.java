package dev.tracegate.gateway.identity;

/**
 * A key just created: the only moment its secret exists outside the caller's hands.
 * {@link #toString()} leaves the secret out.
 *
 * @param key    what is stored about it
 * @param secret the key to hand over, once
 */
public record CreatedServiceAccountKey(ServiceAccountKey key, String secret) {

    @Override
    public String toString() {
        return "CreatedServiceAccountKey[" + key + "]";
    }
}
