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

    /** Keys an AI agent or a CI job handles every day, each by its vendor's documented shape. */
    @Test
    void vendorKeysByTheirDocumentedPrefixes() {
        String mixed = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
        String hex = "0123456789abcdef";
        String[] keys = {
            "sk-" + mixed + "T3BlbkFJ" + mixed.substring(0, 12),
            "sk-proj-" + mixed + mixed + "_-" + mixed,
            "sk-svcacct-" + mixed + mixed,
            "sk-ant-api03-" + mixed + mixed + "-" + mixed + "AA",
            "glpat-xYz12AbCdEfGhIjKlMn3", "gldt-xYz12AbCdEfGhIjKlMn3", "glrt-xYz12AbCdEfGhIjKlMn3",
            "npm_" + mixed, "pypi-AgEIcHlwaS5vcmcCJGE4ZjYxYWQ0LTU2YjMtNGM0ZC1hYjQ3LWRkYWJkZjE0ZmQ3NAACKlszLCJl",
            "hf_" + mixed.substring(0, 34), "xapp-1-A01ABCDEF-1234567890123-" + hex + hex + hex,
            "SG." + mixed.substring(0, 22) + "." + mixed + "abcdEFG", "SK" + hex + hex,
            "ya29.a0AfH6SMBx3" + mixed + "_-" + mixed, "dop_v1_" + hex.repeat(4), "shpat_" + hex + hex,
            "dapi" + hex + hex, "dapi" + hex + hex + "-2", "HRKU-" + mixed, "key-" + hex + hex,
            "sq0atp-" + mixed.substring(0, 22), "sq0csp-" + mixed + "abcdEFG", "dp.pt." + mixed + "abcdEFGH",
            "hvs.CAESI" + mixed + "Gh4KHGh2cy5BYmNEZWZHaElqS2xNbk9wUXJTdFV2",
            "ATATT3xFfGF0" + mixed + mixed + mixed + "_-" + mixed + "=A1B2C3D4",
            "GOCSPX-" + mixed.substring(0, 28), "whsec_" + mixed, "lin_api_" + mixed.substring(0, 36) + "abcd",
        };
        for (String key : keys) {
            assertThat(Finds.of(detector, "use " + key + " now")).as(key).containsExactly(key);
            assertThat(Finds.of(detector, "\"" + key + "\"")).as(key).containsExactly(key);
        }
    }

    @Test
    void webhookUrlsWhosePathIsTheCredential() {
        String slack = "T01ABCDEF/B02GHIJKL/aBcDeFgHiJkLmNoPqRsTuVwX";
        assertThat(Finds.of(detector, "post to https://hooks.slack.com/services/" + slack + " on failure"))
                .containsExactly(slack);
        String discord = "112233445566778899/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdEFGH";
        assertThat(Finds.of(detector, "https://discord.com/api/webhooks/" + discord)).containsExactly(discord);
    }

    /** A prefix is also a word: names, placeholders and identifiers that start like a key stay. */
    @Test
    void vendorPrefixesInOrdinaryWordsStay() {
        assertThat(Finds.of(detector, "pip install sk-learn-contrib; npm_config_cache=/tmp/npm; hf_hub_download(repo) "
                + "uses a key-value store; glpat-xxxxxxxxxxxxxxxxxxxx is a placeholder; sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; "
                + "task-force sk-something-rather-long-and-hyphenated; SKU SK-1234 and the SG. Ltd office; "
                + "dapi-server started, hvs.local, ya29.example, dp.pt.dev; see https://hooks.slack.com/services/")).isEmpty();
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
        String pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\nComment: https://gnupg.org\n\n" + LINE + "\n"
                + LINE + "\n=AbCd\n-----END PGP PRIVATE KEY BLOCK-----";
        assertThat(Finds.of(detector, "key:\n" + pgp + "\n")).containsExactly(pgp);
        String openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + LINE + "\n" + LINE + "\n-----END OPENSSH PRIVATE KEY-----";
        assertThat(Finds.of(detector, openssh)).containsExactly(openssh);
        assertThat(Finds.of(detector, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + LINE + "\n-----END PGP PUBLIC KEY BLOCK-----"))
                .isEmpty();
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
