package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.ongres.scram.client.ScramClient;
import org.junit.jupiter.api.Test;

/**
 * Keys derived once and reused must prove exactly what a client holding the password proves:
 * RFC 7677's SCRAM-SHA-256 example, replayed with keys from the cache. And a cached entry never
 * answers for other inputs.
 */
class ScramKeysTest {

    private static final String SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=" + SALT + ",i=4096";

    @Test
    void cachedKeysGiveTheRfc7677ProofAndCheckItsServerSignature() throws Exception {
        ScramKeys keys = new ScramKeys();
        ScramKeys.Keys first = keys.keys("c", "user", "pencil", SALT, 4096);
        ScramKeys.Keys again = keys.keys("c", "user", "pencil", SALT, 4096);
        assertThat(again).isSameAs(first);

        ScramClient client = ScramClient.builder().advertisedMechanisms(java.util.List.of("SCRAM-SHA-256"))
                .username("user").clientAndServerKey(again.clientKey(), again.serverKey())
                .nonceSupplier(() -> CLIENT_NONCE).build();
        assertThat(client.clientFirstMessage().toString()).isEqualTo("n,,n=user,r=" + CLIENT_NONCE);
        client.serverFirstMessage(SERVER_FIRST);
        assertThat(client.clientFinalMessage().toString()).isEqualTo(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        // The RFC's server signature verifies with the cached server key (and throws otherwise).
        client.serverFinalMessage("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void anotherPasswordSaltOrIterationCountIsDerivedAfresh() {
        ScramKeys keys = new ScramKeys();
        ScramKeys.Keys known = keys.keys("c", "user", "pencil", SALT, 4096);

        assertThat(keys.keys("c", "user", "pencil2", SALT, 4096).clientKey()).isNotEqualTo(known.clientKey());
        assertThat(keys.keys("c", "user", "pencil", "AAAAAAAAAAAAAAAAAAAAAA==", 4096).clientKey()).isNotEqualTo(known.clientKey());
        assertThat(keys.keys("c", "user", "pencil", SALT, 4097).clientKey()).isNotEqualTo(known.clientKey());
        assertThat(keys.size()).isEqualTo(4);
    }
}
