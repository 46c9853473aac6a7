package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretDetectorTest {

    private final SecretDetector detector = new SecretDetector();

    @Test
    void cloudAndSaasKeys() {
        assertThat(Finds.of(detector, "key AKIAIOSFODNN7EXAMPLE and ghp_" + "a".repeat(18) + "B".repeat(18)
                + " and xoxb-123456789012-abcdefABCDEF and sk_live_4eC39HqLyjWDarjtT1zdp7dc"))
                .containsExactly("AKIAIOSFODNN7EXAMPLE", "ghp_" + "a".repeat(18) + "B".repeat(18),
                        "xoxb-123456789012-abcdefABCDEF", "sk_live_4eC39HqLyjWDarjtT1zdp7dc");
    }

    @Test
    void jsonWebTokens() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assertThat(Finds.of(detector, "Authorization: Bearer " + jwt)).containsExactly(jwt);
    }

    @Test
    void privateKeyBlocksWholeOrTruncated() {
        String block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assertThat(Finds.of(detector, "key:\n" + block + "\nthanks")).containsExactly(block);
        assertThat(Finds.of(detector, "-----BEGIN PRIVATE KEY-----\nMIIEv")).containsExactly("-----BEGIN PRIVATE KEY-----\nMIIEv");
        assertThat(Finds.of(detector, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).isEmpty();
    }

    @Test
    void valuesAssignedToCredentialNames() {
        assertThat(Finds.of(detector, "db_password=hunter22 and \"apiKey\": \"Zx81kLm02PqR77tY\" and PWD: s3cret!"))
                .containsExactly("hunter22", "Zx81kLm02PqR77tY", "s3cret!");
    }

    @Test
    void passwordsInConnectionUrls() {
        assertThat(Finds.of(detector, "DATABASE_URL=postgres://app:Sup3r-S3cret!@db:5432/app, see https://example.com/a:b"))
                .containsExactly("Sup3r-S3cret!");
    }

    @Test
    void readableValuesAfterTokenNamesStay() {
        assertThat(Finds.of(detector, "token: expired, max_tokens=4096, secret: none, password=${DB_PASSWORD}, "
                + "password: ********, token_type=bearer")).isEmpty();
    }

    @Test
    void urlsAndProseWithColonsAreNoAssignments() {
        assertThat(Finds.of(detector, "see https://example.com/token and Note: the key is rotated")).isEmpty();
    }
}
