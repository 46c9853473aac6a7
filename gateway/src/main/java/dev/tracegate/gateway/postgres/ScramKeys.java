package dev.tracegate.gateway.postgres;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SCRAM client and server keys the gateway derived for upstream logins, so a repeated login
 * skips PBKDF2 (4096 iterations of HMAC-SHA-256 by PostgreSQL's default: milliseconds of CPU on
 * every new session).
 *
 * <p>The keys are a pure function of the password, the salt and the iteration count (RFC 5802
 * section 3), and the salt and count come from the server in each login, so a cached entry is
 * only ever used for exactly the inputs it was derived from: a changed password (the held one, by
 * its SHA-256, or the server's verifier, whose salt changes with it) is a miss, never a wrong key.
 * The server's signature is still checked on every login with the cached server key. Holding the
 * keys grants no more than holding the password, which the gateway does anyway.
 */
final class ScramKeys {

    private static final int MAX_ENTRIES = 256;

    /** The derived keys for one (connection, user, password, salt, iterations). */
    record Keys(byte[] clientKey, byte[] serverKey) {
    }

    private record Inputs(String connection, String username, String passwordDigest, String salt, int iterations) {
    }

    private final Map<Inputs, Keys> derived = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Inputs, Keys> eldest) {
            return size() > MAX_ENTRIES;
        }
    });

    /** The keys for these inputs: from an earlier login, or derived now (once). */
    Keys keys(String connection, String username, String password, String saltBase64, int iterations) {
        Inputs inputs = new Inputs(connection, username, digest(password), saltBase64, iterations);
        Keys known = derived.get(inputs);
        if (known != null) {
            return known;
        }
        byte[] salted = ScramFunctions.saltedPassword(ScramMechanism.SCRAM_SHA_256, StringPreparation.SASL_PREPARATION,
                password.toCharArray(), Base64.getDecoder().decode(saltBase64), iterations);
        Keys keys = new Keys(ScramFunctions.clientKey(ScramMechanism.SCRAM_SHA_256, salted),
                ScramFunctions.serverKey(ScramMechanism.SCRAM_SHA_256, salted));
        derived.put(inputs, keys);
        return keys;
    }

    int size() {
        return derived.size();
    }

    private static String digest(String password) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
