package dev.tracegate.gateway.config;

/**
 * Gateway-wide masking settings. The profiles themselves live in the policy file, so that they
 * are reloaded, hashed and recorded with the rest of the policy; the key does not, because the
 * policy file is not a place for secrets.
 *
 * @param hashKey the HMAC key of {@code hash} strategies, by reference (at least 16 bytes). When
 *                absent, one is generated under the data directory on first start and kept, so
 *                pseudonyms stay stable across restarts; gateways that share a store must share it
 */
public record MaskingSettings(SecretReference hashKey) {
}
