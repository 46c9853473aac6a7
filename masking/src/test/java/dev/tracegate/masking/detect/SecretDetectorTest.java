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

    /**
     * A named value judged not secret as a whole (a placeholder, a sentence) once made the scan
     * skip to its end, past any key of a fixed shape inside it. Found by BodyMaskingFuzzTest.
     */
    @Test
    void keysInsideANamedValueThatIsNotSecretAsAWhole() {
        String key = "AKIAIOSFODNN7EXAMPLE";
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        for (String text : new String[] {"adp-wd:\"%(\u0000\uffff " + key + " ; ", "password: \"%s " + key + "\"",
                "token='see " + key + "'", "api_key=\"example, " + key + "\"", "\"secret\": \"n/a " + key + "\""}) {
            assertThat(Finds.of(detector, text)).as(text).anyMatch(find -> find.contains(key));
        }
        assertThat(Finds.of(detector, "token: \"none " + jwt + "\"")).anyMatch(find -> find.contains(jwt));
    }

    @Test
    void jsonWebTokens() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assertThat(Finds.of(detector, "Authorization: Bearer " + jwt)).containsExactly(jwt);
    }

    private static final String LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";

    @Test
    void privateKeyBlocksWholeOrTruncated() {
        String block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assertThat(Finds.of(detector, "key:\n" + block + "\nthanks")).containsExactly(block);
        String truncated = "-----BEGIN PRIVATE KEY-----\n" + LINE + "\n" + LINE;
        assertThat(Finds.of(detector, truncated + "\n")).containsExactly(truncated);
        assertThat(Finds.of(detector, truncated + "\nMIIEvQIBADANBgkqhkiG9w0")).containsExactly(truncated + "\nMIIEvQIBADANBgkqhkiG9w0");
        assertThat(Finds.of(detector, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).isEmpty();
    }

    @Test
    void keysPastedIntoStringsWithEscapedOrNoLineBreaksAndLegacyHeaders() {
        String escaped = "-----BEGIN PRIVATE KEY-----\\n" + LINE + "\\n" + LINE + "\\nAB12==\\n-----END PRIVATE KEY-----";
        assertThat(Finds.of(detector, "{\"key\": \"" + escaped + "\\n\"}")).containsExactly(escaped);
        String oneLine = "-----BEGIN EC PRIVATE KEY----- " + LINE + LINE + " -----END EC PRIVATE KEY-----";
        assertThat(Finds.of(detector, oneLine)).containsExactly(oneLine);
        String legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,5E2B3C\n\n"
                + LINE + "\nq83kdz==\n-----END RSA PRIVATE KEY-----";
        assertThat(Finds.of(detector, legacy)).containsExactly(legacy);
    }

    /**
     * A fake header is text an attacker writes: the span covers key-shaped lines only, so the SQL
     * after it is never part of a secret (a recorder would hide it from approvers otherwise).
     */
    @Test
    void aFakeHeaderNeverTakesTheTextAfterIt() {
        String header = "-----BEGIN PRIVATE KEY-----";
        assertThat(Finds.of(detector, "-- " + header + "\nDROP TABLE customers CASCADE;")).containsExactly(header);
        assertThat(Finds.of(detector, header + "\nDROP\nTABLE\ncustomers\n-----END PRIVATE KEY-----")).containsExactly(header);
        assertThat(Finds.of(detector, header + "\nANALYZE\n-----END PRIVATE KEY-----")).containsExactly(header);
        assertThat(Finds.of(detector, header + "\n" + LINE + "\nDROP TABLE customers")).containsExactly(header + "\n" + LINE);
        assertThat(Finds.of(detector, header + " DROP TABLE customers; -----END PRIVATE KEY-----")).containsExactly(header);
        assertThat(Finds.of(detector, header + "\nCHECKPOINT")).containsExactly(header);
        assertThat(Finds.of(detector, header + "\n" + LINE + "\nVACUUM")).containsExactly(header + "\n" + LINE);
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
