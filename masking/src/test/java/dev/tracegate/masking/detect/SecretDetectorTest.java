package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
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
     * An AWS secret access key written after its key id without a name, as AWS hands the pair out (the console's
     * credentials.csv, {@code aws iam create-access-key --output text}, {@code id:secret}): the id was masked and
     * the secret reached masked callers in clear.
     */
    @Test
    void anAwsSecretKeyWrittenAfterItsKeyId() {
        String id = "AKIAIOSFODNN7EXAMPLE";
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assertThat(Finds.of(detector, "Access key ID,Secret access key\n" + id + "," + secret + "\n"))
                .containsExactly(id, secret);
        assertThat(Finds.of(detector, "ada,," + id + "," + secret + ",https://console.aws.amazon.com/"))
                .containsExactly(id, secret);
        assertThat(Finds.of(detector, "ACCESSKEY\t" + id + "\t2026-12-06T10:39:23.411Z\t" + secret + "\tActive\tada"))
                .containsExactly(id, secret);
        assertThat(Finds.of(detector, id + ":" + secret)).containsExactly(id, secret);
        assertThat(Finds.of(detector, "| " + id + " | " + secret + " |")).containsExactly(id, secret);
        assertThat(Finds.of(detector, "[\"" + id + "\", \"" + secret + "\"]")).containsExactly(id, secret);
        // a digest, a word or a value on the next line is no secret key
        assertThat(Finds.of(detector, id + " 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")).containsExactly(id);
        assertThat(Finds.of(detector, id + " ThisIsJustAVeryLongIdentifierNameOfForty")).containsExactly(id);
        assertThat(Finds.of(detector, id + "\n" + secret)).containsExactly(id);
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

    /**
     * A JWT wrapped where a tool breaks a long line ({@code fold -w 76}, a mail body, 64 like PEM)
     * had the shape on no line and reached masked callers in clear, signature included.
     */
    @Test
    void aJwtWrappedAcrossLinesIsOneFind() {
        String jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSBMb3ZlbGFjZSIsImVtYWlsIjoiYWRh"
                + "QGV4YW1wbGUuY29tIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        String line = "Authorization: Bearer " + jwt;
        for (int width : new int[] {76, 64}) {
            StringBuilder wrapped = new StringBuilder();
            for (int k = 0; k < line.length(); k += width) {
                wrapped.append(line, k, Math.min(line.length(), k + width)).append(k + width < line.length() ? "\n" : "");
            }
            String text = wrapped + "\nnext line";
            assertThat(Finds.of(detector, text)).as(text).containsExactly(text.substring(text.indexOf("eyJ"),
                    text.indexOf("\nnext")));
            assertThat(Finds.of(detector, text.replace("\n", "\r\n"))).as(text).hasSize(1)
                    .allMatch(find -> find.endsWith("w5c"));
        }
        // Broken inside its signature at 76, the width base64 and MIME wrap at.
        String signed = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        String broken = signed.substring(0, 76) + "\n" + signed.substring(76);
        assertThat(Finds.of(detector, broken + "\nnext")).containsExactly(broken);
        // A token that ends a line (a header's value) does not take the next line's first word; nor does
        // a line break after a short line end anything but the token as before.
        String header = "Authorization: Bearer " + signed;
        assertThat(Finds.of(detector, header + "\nContent-Type: application/json")).containsExactly(signed);
        assertThat(Finds.of(detector, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln\nword and more")).containsExactly(
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln");
        // A named value is read at most 256 characters far: a longer JWT (RS256, with claims) kept its tail in clear.
        String longJwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJ" + "c3ViIjoiYWRhIiwi".repeat(30) + "In0." + "S".repeat(342);
        for (String named : new String[] {"token = \"" + longJwt + "\"", "Authorization: Bearer " + longJwt, "api_key=" + longJwt}) {
            assertThat(Finds.of(detector, named)).as(named).hasSize(1).allMatch(find -> find.endsWith(longJwt));
        }
        assertThat(Finds.of(detector, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi\nIxIn0.c2ln")).isEmpty();
    }

    /** Wrapped lines full of token starts that never make a JWT are read in linear time (a 30 s guard against quadratic scanning, not a speed figure). */
    @Test
    void wrappedLinesOfFailedTokenStartsCostLinearTime() {
        String line = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.eyJzdWIiOiIxIn0.eyJhbGciOiJIUzI1Ni\n";
        String text = line.repeat(1_000_000 / line.length());
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Finds.of(detector, text));
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

    /** Credential names in the casings and separators configuration files and shells use. */
    @Test
    void credentialNamesInEverySpelling() {
        for (String name : new String[] {"db-pass", "DB_PASS", "dbPass", "smtp.pw", "AccountKey", "SharedAccessKey",
                "SECRET_KEY_BASE", "Ocp-Apim-Subscription-Key", "sig"}) {
            assertThat(Finds.of(detector, name + "=Zx81kLm02PqR77tYw9Qa4Ve")).as(name).containsExactly("Zx81kLm02PqR77tYw9Qa4Ve");
        }
        assertThat(Finds.of(detector, "bypass=enabled, compass: north, config=Zx81kLm02PqR77tYw9Qa4Ve")).isEmpty();
    }

    /** A password once ended at its first {@code &} or {@code ;}, leaving the rest of it in clear. */
    @Test
    void separatorsInsideAPasswordAreNoPairSeparators() {
        assertThat(Finds.of(detector, "DB_PASS=Tr0ub&3x;y")).containsExactly("Tr0ub&3x;y");
        assertThat(Finds.of(detector, "jdbc:x://h/db?password=Tr0ub&3x&user=app")).containsExactly("Tr0ub&3x");
        assertThat(Finds.of(detector, "Password=Tr0ub;3x;User ID=sa;")).containsExactly("Tr0ub;3x");
    }

    @Test
    void connectionStringsOfEveryScheme() {
        String azure = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zx81kLm02PqR77tYw9Qa4Ve+/Hk3Jd9=="
                + ";EndpointSuffix=core.windows.net";
        assertThat(Finds.of(detector, azure)).containsExactly("Zx81kLm02PqR77tYw9Qa4Ve+/Hk3Jd9==");
        assertThat(Finds.of(detector, "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=Zx81kLm02PqR77tYw9Qa4Ve%2B%3D"))
                .containsExactly("Zx81kLm02PqR77tYw9Qa4Ve%2B%3D");
        assertThat(Finds.of(detector, "REDIS_URL=redis://:Sup3rS3cret@cache:6379/0")).containsExactly("Sup3rS3cret");
        assertThat(Finds.of(detector, "Server=db;Database=app;User ID=sa;Password=Sup3rS3cret;Encrypt=True;"))
                .containsExactly("Sup3rS3cret");
    }

    @Test
    void cookieHeadersAreCredentialsWhole() {
        assertThat(Finds.of(detector, "Cookie: session=eyJ1c2VyIjoiYSJ9.ZQ3x8A.abc123; theme=dark\nAccept: */*"))
                .containsExactly("session=eyJ1c2VyIjoiYSJ9.ZQ3x8A.abc123; theme=dark");
        assertThat(Finds.of(detector, "curl -H \"Cookie: sid=s%3AAbC123\" https://x")).containsExactly("sid=s%3AAbC123");
    }

    @Test
    void credentialsInXmlElementsAndAttributes() {
        assertThat(Finds.of(detector, "<db><user>app</user><password>Sup3rS3cret</password></db>")).containsExactly("Sup3rS3cret");
        assertThat(Finds.of(detector, "<Password><![CDATA[Sup3r<S3cret]]></Password>")).containsExactly("Sup3r<S3cret");
        assertThat(Finds.of(detector, "<add key=\"DbPassword\" value=\"Sup3rS3cret\" />")).containsExactly("Sup3rS3cret");
        assertThat(Finds.of(detector, "<entry key=\"password\">Sup3rS3cret</entry>")).containsExactly("Sup3rS3cret");
        assertThat(Finds.of(detector, "<property name=\"jdbc.password\" value=\"Sup3rS3cret\"/>")).containsExactly("Sup3rS3cret");
        assertThat(Finds.of(detector, "<label for=\"password\">Your password</label><input type=\"password\"> "
                + "<add key=\"Theme\" value=\"dark\"/><token>expired</token>")).isEmpty();
    }

    /** A password told in a sentence reached masked callers in clear before 2026-12-07; prose about passwords stays. */
    @Test
    void aPasswordToldInASentence() {
        assertThat(Finds.of(detector, "my password is hunter2! don't tell")).containsExactly("hunter2!");
        assertThat(Finds.of(detector, "the new passphrase was 'c0rrect-h0rse'.")).containsExactly("c0rrect-h0rse");
        assertThat(Finds.of(detector, "Password is: Winter2024")).containsExactly("Winter2024");
        assertThat(Finds.of(detector, "the secret is now Tr0ub4dor&3, keep it")).containsExactly("Tr0ub4dor&3");
        assertThat(Finds.of(detector, "her PIN is 4821.")).containsExactly("4821");
        for (String prose : new String[] {"the password is incorrect", "password is required", "your password is too short",
                "the password was changed yesterday", "password is case-sensitive", "pwd is /home/ada/bin",
                "the password is locked\\&.", "decrypt without a password is GNUTLS_E_DECRYPTION_FAILED.",
                "when the stored password is md5, like", "printf(&quot;Password is correct.&quot;);", "pin is 3 of 8",
                "the PIN is not 1234", "the secret is out"}) {
            assertThat(Finds.of(detector, prose)).as(prose).isEmpty();
        }
    }

    @Test
    void passwordsSetBySqlStatements() {
        for (String sql : new String[] {"ALTER USER app WITH PASSWORD 'Sup3rS3cret';", "CREATE ROLE app LOGIN password 'Sup3rS3cret'",
                "CREATE USER 'bob'@'%' IDENTIFIED BY 'Sup3rS3cret';", "ALTER USER bob IDENTIFIED WITH caching_sha2_password BY 'Sup3rS3cret'",
                "SET PASSWORD FOR 'bob'@'%' = 'Sup3rS3cret';", "SET PASSWORD = PASSWORD('Sup3rS3cret')",
                "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password 'Sup3rS3cret')"}) {
            assertThat(Finds.of(detector, sql)).as(sql).containsExactly("Sup3rS3cret");
        }
        assertThat(Finds.of(detector, "SELECT 'password' AS label, 'by' FROM t WHERE note = 'forgot password'")).isEmpty();
    }

    @Test
    void credentialsGivenAsCommandLineOptions() {
        for (String command : new String[] {"mycli --password Sup3rS3cret --host db", "mysql -uroot -pSup3rS3cret app",
                "mysqldump -u root -p'Sup3rS3cret' app", "keytool -list -storepass Sup3rS3cret", "sshpass -p Sup3rS3cret ssh h",
                "redis-cli -h cache -a Sup3rS3cret ping", "curl -u admin:Sup3rS3cret https://api", "curl --user admin:Sup3rS3cret https://api",
                "gh auth login --with-token --token Zx81kLm02PqR77tYw9Qa4Ve"}) {
            assertThat(Finds.of(detector, command)).as(command).containsExactly(command.contains("Zx81") ? "Zx81kLm02PqR77tYw9Qa4Ve" : "Sup3rS3cret");
        }
        assertThat(Finds.of(detector, "mkdir -p /tmp/x && docker run -u 1000:1000 --user 1000:1000 -p 8080:80 img "
                + "&& ssh -p 2222 h && psql --password --host db && tar --bypass cache && mysql --port 3306")).isEmpty();
    }

    /** Names of two words, tokens outside a header, and shapes that have no name before them. */
    @Test
    void credentialsWrittenOutsideAnAssignment() {
        String key = "Zx81kLm02PqR77tYw9Qa4Ve";
        for (String text : new String[] {"API key: " + key, "Secret Key = " + key, "Private key: " + key,
                "retrying with Bearer " + key + " now", "aws configure set aws_secret_access_key " + key,
                "DB_PASSWORD " + key}) {
            assertThat(Finds.of(detector, text)).as(text).containsExactly(key);
        }
        assertThat(Finds.of(detector, "machine example.com login bob password hunter2")).containsExactly("hunter2");
        assertThat(Finds.of(detector, "bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0 started"))
                .containsExactly("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0");
        assertThat(Finds.of(detector, "AZURE_CLIENT_SECRET is abc8Q~" + key + "Zx81kLm02Pq"))
                .containsExactly("abc8Q~" + key + "Zx81kLm02Pq");
        assertThat(Finds.of(detector, "bearer bonds, Bearer token required, the api_key field is required, "
                + "DB_PASSWORD is not set, the primary key: customer_id, Foreign Key = orders_customer_fk, "
                + "my password hunter2 is weak, at 10:30Q~ x, SELECT api_key FROM t WHERE api_key = $1")).isEmpty();
    }

    /**
     * A name and a space before a credential: the names of six and eight characters that may be one
     * (ending in "passwd" or "password", or the last part of a dotted identifier) are read whatever
     * their first letters, and the words of prose of those lengths are not.
     */
    @Test
    void aNameBeforeASpaceIsReadByItsEndAndItsDottedParts() {
        String key = "Zx81kLm02PqR77tYw9Qa4Ve";
        for (String text : new String[] {"machine h login bob PASSWD hunter2", "machine h login bob myPasswd hunter2",
                "machine h login bob x-passwd hunter2", "machine h login bob x.passwd hunter2"}) {
            assertThat(Finds.of(detector, text)).as(text).containsExactly("hunter2");
        }
        assertThat(Finds.of(detector, "set app_config.secret " + key)).containsExactly(key);
        assertThat(Finds.of(detector, "set app_config.apikey " + key)).containsExactly(key);
        assertThat(Finds.of(detector, "[EMAIL]_token " + key)).containsExactly(key);
        assertThat(Finds.of(detector, "machine h login bob prefers mornings, called support twice; backup "
                + key + " and config.window " + key)).isEmpty();
    }

    @Test
    void aKeyWhoseLineBreaksWereStripped() {
        String key = "-----BEGIN PRIVATE KEY-----" + LINE + LINE + "AB12==-----END PRIVATE KEY-----";
        assertThat(Finds.of(detector, "key=" + key + ";")).containsExactly(key);
        assertThat(Finds.of(detector, "-----BEGIN PRIVATE KEY-----DROP TABLE customers")).containsExactly("-----BEGIN PRIVATE KEY-----");
        assertThat(Finds.of(detector, "-----BEGIN PRIVATE KEY-----ANALYZE-----END PRIVATE KEY-----"))
                .containsExactly("-----BEGIN PRIVATE KEY-----");
    }

    /** {@code kubectl get secret -o yaml}: every value under data: is a credential, whatever its name; kubectl prints kind after data. */
    @Test
    void valuesOfAKubernetesSecret() {
        String yaml = "apiVersion: v1\ndata:\n  DB_URL: cG9zdGdyZXM6Ly9hcHA6cHdAZGI=\n  username: YWRtaW4=\n  tls.key: |\n"
                + "    LS0tLS1CRUdJTiBQUklWQVRF\n    TUlJRXZRSUJBREFO\nkind: Secret\nmetadata:\n  name: db-creds\ntype: Opaque\n";
        assertThat(Finds.of(detector, yaml)).containsExactly("cG9zdGdyZXM6Ly9hcHA6cHdAZGI=", "YWRtaW4=",
                "LS0tLS1CRUdJTiBQUklWQVRF", "TUlJRXZRSUJBREFO");
        assertThat(Finds.of(detector, "kind: Secret\nstringData:\n  api_url: \"https://api.example.com\"\n  pw: x1\n"))
                .containsExactly("https://api.example.com", "x1");
        assertThat(Finds.of(detector, "apiVersion: v1\nkind: ConfigMap\ndata:\n  LOG_LEVEL: debug\nmetadata:\n  name: app"))
                .isEmpty();
    }

    /** {@code kubectl get secret -o json}: the same values, as JSON; kind after data again. */
    @Test
    void valuesOfAKubernetesSecretAsJson() {
        String json = "{\n    \"apiVersion\": \"v1\",\n    \"data\": {\n        \"DB_URL\": \"cG9zdGdyZXM6Ly9hcHA6cHdAZGI=\",\n"
                + "        \"username\": \"YWRtaW4=\"\n    },\n    \"kind\": \"Secret\",\n    \"metadata\": {\"name\": \"db-creds\"},\n"
                + "    \"type\": \"Opaque\"\n}";
        assertThat(Finds.of(detector, json)).containsExactly("cG9zdGdyZXM6Ly9hcHA6cHdAZGI=", "YWRtaW4=");
        assertThat(Finds.of(detector, "{\"kind\":\"Secret\",\"stringData\":{\"api_url\":\"https://api.example.com\",\"pw\":\"x1\"}}"))
                .containsExactly("https://api.example.com", "x1");
        assertThat(Finds.of(detector, "{\"apiVersion\":\"v1\",\"data\":{\"LOG_LEVEL\":\"debug\"},\"kind\":\"ConfigMap\"}"))
                .isEmpty();
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
        // (a public key's body is no private key's DER: since 2026-12-06 LINE, a PKCS#8 key's first line, is a find alone)
        String publicLine = "mQINBGE7cKMBEADJx5Hq3Tf0kWQm9w0VXb7nYpL2sD4aZ8uR1eO6tC3gF5hJ7iKlMn";
        assertThat(Finds.of(detector, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + publicLine + "\n-----END PGP PUBLIC KEY BLOCK-----"))
                .isEmpty();
    }

    /**
     * psql prints a multi-line value with a {@code +} (or {@code ↵}) after each line's padding and,
     * with other columns, a rule {@code |} before each; code keeps a key as concatenated literals.
     * Each frame ended the block after its header, and the body was left in clear.
     */
    @Test
    void keyLinesFramedByPsqlOrByStringLiteralsAreFoundWhole() {
        String header = "-----BEGIN RSA PRIVATE KEY-----";
        String footer = "-----END RSA PRIVATE KEY-----";
        String psql = " " + header + "                                 +\n " + LINE + "+\n " + LINE + "+\n AB12==      "
                + "                                                          +\n " + footer;
        assertThat(Finds.of(detector, psql + "\n(1 row)")).containsExactly(psql.substring(1));
        String column = header + "                                 +|\n    | " + LINE + "+|\n    | " + LINE + "+|\n    | " + footer;
        assertThat(Finds.of(detector, "  1 | " + column + "                                   | 2024-12-06"))
                .containsExactly(column);
        String unicode = "│ " + header + "   ↵│\n│ " + LINE + "↵│\n│ " + LINE + "↵│\n│ " + footer + " │";
        assertThat(Finds.of(detector, unicode)).containsExactly(unicode.substring(2, unicode.length() - 2));
        String literals = "const key =\n  \"" + header + "\\n\" +\n  \"" + LINE + "\\n\" +\n  \"" + LINE + "\\n\" +\n  \""
                + footer + "\\n\";";
        assertThat(Finds.of(detector, literals)).containsExactly(literals.substring(literals.indexOf('-'),
                literals.lastIndexOf('-') + 1));
        String middle = header + "                                 +| 2024-12-06 10:00:00+00\n    | " + LINE + "+| \n    | " + LINE
                + "+| \n    | " + footer;
        assertThat(Finds.of(detector, "  1 | " + middle + "                                   | \n")).containsExactly(middle);
        // the key's own lines after the SQL are a key's body by their DER (since 2026-12-06); the SQL stays
        assertThat(Finds.of(detector, "'" + header + " +|'; DROP TABLE customers; SELECT '\n" + LINE + "\n" + footer + "'"))
                .containsExactly(header, LINE + "\n" + footer);
        // a frame is no key material: text after a lone header is still not taken
        assertThat(Finds.of(detector, "| " + header + " | DROP TABLE customers; |")).containsExactly(header);
    }

    /** SSH2's form of a key file (ssh.com, Tectia) and PuTTY's .ppk, whose private lines have no header. */
    @Test
    void ssh2AndPuttyKeyFilesAreFound() {
        String ssh2 = "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key-20240101\"\n" + LINE + "\n" + LINE
                + "\nAB12==\n---- END SSH2 ENCRYPTED PRIVATE KEY ----";
        assertThat(Finds.of(detector, ssh2 + "\n")).containsExactly(ssh2);
        String privateLines = LINE + "\n" + LINE + "\nAB12==";
        String ppk = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key\nPublic-Lines: 2\n"
                + "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\nAB12==\nPrivate-Lines: 3\n" + privateLines + "\nPrivate-MAC: 8c1d3e2f4a5b6c7d8e9f0a1b2c3d4e5f\n";
        assertThat(Finds.of(detector, ppk)).containsExactly(privateLines);
        assertThat(Finds.of(detector, "Private-Lines: 3 of the report are missing")).isEmpty();
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
        // the lines joined by a comma or a semicolon (string_agg(line, ','), a CSV row): in clear but for the header before 2026-12-06
        for (String mark : List.of(",", ";", ", ")) {
            String joined = String.join(mark, "-----BEGIN PRIVATE KEY-----", LINE, LINE, "AB12==", "-----END PRIVATE KEY-----");
            assertThat(Finds.of(detector, "id,key\n7," + joined + ",ops\n")).containsExactly(joined);
        }
        assertThat(Finds.of(detector, "-- -----BEGIN PRIVATE KEY-----;SELECT * FROM people;"))
                .containsExactly("-----BEGIN PRIVATE KEY-----");
    }

    /**
     * A key assigned to a credential name was that name's value, read to its line's end (the header
     * alone) or 256 characters: the scan resumed there and the rest of the key reached masked callers
     * in clear. A Google service account's key file printed as it is stored ({@code cat key.json}),
     * a {@code .env} line, the key file's JSON kept as a string in another JSON document.
     */
    @Test
    void aKeyBlockAssignedToACredentialNameIsFoundWhole() {
        String lines = LINE + "\n" + LINE + "\n" + LINE + "\nAB12==\n";
        String block = "-----BEGIN PRIVATE KEY-----\n" + lines + "-----END PRIVATE KEY-----";
        String escaped = block.replace("\n", "\\n");
        String serviceAccount = "{\n  \"type\": \"service_account\",\n  \"project_id\": \"shop\",\n  \"private_key\": \""
                + escaped + "\\n\",\n  \"client_id\": \"1234\"\n}";
        assertThat(Finds.of(detector, serviceAccount)).containsExactly(escaped);
        assertThat(Finds.of(detector, "GOOGLE_PRIVATE_KEY=\"" + escaped + "\\n\"")).containsExactly(escaped);
        assertThat(Finds.of(detector, "privateKey: " + block + "\nnext: line")).containsExactly(block);
        assertThat(Finds.of(detector, "SSH_KEY='" + block + "'")).containsExactly(block);
        String twice = block.replace("\n", "\\\\n");
        assertThat(Finds.of(detector, "{\"log\": \"{\\\"private_key\\\": \\\"" + twice + "\\\\n\\\"}\"}"))
                .containsExactly(twice);
        // a header with no key after it adds nothing to the value's own span
        assertThat(Finds.of(detector, "secret: \"-----BEGIN PRIVATE KEY-----\\nDROP TABLE customers;\"\nVACUUM"))
                .containsExactly("-----BEGIN PRIVATE KEY-----\\nDROP TABLE customers;");
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

    /** Password hashes in the modular crypt format: /etc/shadow, .htpasswd and user tables keep them, with no name before. */
    @Test
    void passwordHashes() {
        String sha512 = "$6$f6udZTWKoaY1LR.T$wrbC101/KpQ1qSZrGrqUz0PalzdEQmAyZM2XtNPkIJ9SbiMJY1W3BMjjr/nrNGHUw.LeoQ5XInOYHPG.EU1rkl";
        String rounds = "$6$rounds=5000$9u2780T/$xtwclGz6jiujwzUDZWc1BLFPmvbuoR0q0Mg2iTQqTq1MDQ5Aep4B77BAiPue/2pUj2KnGaoRmZbLzZ0DNy0inD";
        String yescrypt = "$y$j9T$j39uaw8f8SsKRMjDSeYpdR$OdzxtK.mS01tvokygnwBuTjHYPdoLoyb1d/zf7JBRHD";
        assertThat(Finds.of(detector, "ada:" + sha512 + ":19000:0:99999:7:::\nroot:" + rounds + ":19000::\nbob:" + yescrypt + ":1::"))
                .containsExactly(sha512, rounds, yescrypt);
        String apr1 = "$apr1$fFQpwaKG$Ys638fjjpwEuJFFczsYfbD";
        String md5 = "$1$3O7KgeFc$K7q8wIzcUxb3z//9Oc3msP";
        String sha256 = "$5$icTjsibRKzuXCaoC$31/zCTMCN66CUcupWHvloBntI8x9T9FrLB3DlCAtEa9";
        assertThat(Finds.of(detector, "ada:" + apr1 + "\nbob:" + md5 + "\ncyd:" + sha256)).containsExactly(apr1, md5, sha256);
        String bcrypt = "$2b$12$tq0tN7w770/zHZWhaD7kkhgCBbzeog2CokARi4tu6TRuSU/MFjvY1";
        String argon2 = "$argon2id$v=19$m=65536,t=3,p=4$adSTGBNFZcKKoaxnVOBjTn$IaLQNF6Ztz0OhMwk7bGvOAhVvYjV3waQ6H6S0ji9NxA";
        assertThat(Finds.of(detector, "{\"password_digest\": \"" + bcrypt + "\", \"h\": \"" + argon2 + "\"}"))
                .containsExactly(bcrypt, argon2);
        // shell and Perl variables, prices and a digest of the wrong length stay
        assertThat(Finds.of(detector, "s/(a)(b)/$1$2/g price $6$ and $2b$ done, echo $1$HOME, cost $5$10 print \"$1$2$3\" "
                + sha512.substring(0, sha512.length() - 1))).isEmpty();
    }

    /** PostgreSQL's password file, {@code host:port:database:user:password}: no name says the last field is a password. */
    @Test
    void thePasswordsOfAPgpassFile() {
        assertThat(Finds.of(detector, "db.internal:5432:shop:app:S3cr3tPw9\n*:*:*:report:hunter22\nlocalhost:5432:postgres:postgres:pa\\:ss\n"))
                .containsExactly("S3cr3tPw9", "hunter22", "pa\\:ss");
        assertThat(Finds.of(detector, "echo \"db:5432:shop:app:S3cr3tPw9\" >> ~/.pgpass")).containsExactly("S3cr3tPw9");
        // times, counters and paths are no such line
        assertThat(Finds.of(detector, "server:10:30:45:123 ERROR:12:34:56:x a:b:c:d:e db:5432:shop:app:pw:x std::map<int, int>"))
                .isEmpty();
    }

    /** Ruby's, PHP's and Perl's hashes pair a name with its value by {@code =>}: the value was read as {@code >}. */
    @Test
    void valuesPairedWithCredentialNamesByAnArrow() {
        assertThat(Finds.of(detector, "{\"password\" => \"S3cr3tPw9\", 'api_key' => 'Zx81kLm02PqR77tYa9', :passwd => \"hunter22\"}"))
                .containsExactly("S3cr3tPw9", "Zx81kLm02PqR77tYa9", "hunter22");
        assertThat(Finds.of(detector, "my %db = (password => S3cr3tPw9);")).containsExactly("S3cr3tPw9");
        assertThat(Finds.of(detector, "{\"password\" => \"\", \"token\" => \"expired\", $a => $b}")).isEmpty();
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

    /** .netrc written a token a line: the password's line follows the machine's or the login's. */
    @Test
    void netrcEntriesWrittenATokenALine() {
        assertThat(Finds.of(detector, "machine api.example.com\n  login deploy\n  password Tr0ub4dor3x\nmachine b.example.com\n"
                + "login ci\npassword Qm3xT8vLp\ndefault\n  login anonymous\n  password ada@example.com"))
                .containsExactly("Tr0ub4dor3x", "Qm3xT8vLp", "ada@example.com");
        assertThat(Finds.of(detector, "your machine is slow\npassword reset needed today\n\npassword Tr0ub4dor3x is weak"))
                .isEmpty();
    }

    /** A Digest response is a hash of the password with values the header carries: the whole parameter list is one. */
    @Test
    void digestAuthorizationParametersAreFoundWhole() {
        String parameters = "username=\"ada\", realm=\"shop\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/\", qop=auth, "
                + "nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\"";
        assertThat(Finds.of(detector, "Authorization: Digest " + parameters + "\r\nAccept: */*")).containsExactly(parameters);
        String escaped = "username=\\\"ada\\\", response=\\\"6629fae49393a05397450978507c4ef1\\\"";
        assertThat(Finds.of(detector, "{\"Authorization\": \"Digest " + escaped + "\", \"Accept\": \"*/*\"}"))
                .containsExactly(escaped);
        assertThat(Finds.of(detector, "WWW-Authenticate: Digest realm=\"shop\", nonce=\"abc\"")).isEmpty();
    }

    /** Every Authorization scheme carries a credential: Kerberos and NTLM tokens, OAuth 1 and AWS signatures. */
    @Test
    void authorizationSchemesBesidesBearerAndBasic() {
        String spnego = "YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHg";
        String ntlm = "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==";
        assertThat(Finds.of(detector, "Authorization: Negotiate " + spnego + "\nProxy-Authorization: NTLM " + ntlm))
                .containsExactly(spnego, ntlm);
        String oauth = "oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_signature=\"tnnArxj06cWHq44gCs1OSKk%2FjY%3D\"";
        String aws = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, "
                + "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
        assertThat(Finds.of(detector, "Authorization: OAuth " + oauth + "\nAuthorization: AWS4-HMAC-SHA256 " + aws))
                .containsExactly(oauth, aws);
        assertThat(Finds.of(detector, "auth: key rotation weekly; auth: negotiate later; WWW-Authenticate: Negotiate")).isEmpty();
    }

    /** Cisco's type 7 is reversed by anyone and type 0 is the password: the type digit hid both. */
    @Test
    void ciscoType7AndType0Passwords() {
        assertThat(Finds.of(detector, "username admin privilege 15 password 7 0822455D0A16\nline vty 0 4\n password 0 Tr0ub4dor3x\n login"))
                .containsExactly("0822455D0A16", "Tr0ub4dor3x");
        assertThat(Finds.of(detector, "the password 0 characters long; password 7 days; password 7 ABCDEF; password 7 2024")).isEmpty();
    }

    /**
     * A JWT whose parts a client prints in columns of their own (psql's aligned output, {@code mariadb -B}, a CSV
     * export): before 2026-12-06 it was no token, and the row reached a masked caller's terminal in clear.
     */
    @Test
    void aJwtWhosePartsStandInColumnsIsOneSecret() {
        String header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        String payload = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
        String signature = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        SecretDetector detector = new SecretDetector();
        assertThat(Finds.of(detector, "  7 | " + header + " | " + payload + " | " + signature + " | active"))
                .containsExactly(header + " | " + payload + " | " + signature);
        assertThat(Finds.of(detector, "7\t" + header + "\t" + payload + "\t" + signature))
                .containsExactly(header + "\t" + payload + "\t" + signature);
        assertThat(Finds.of(detector, payload + "," + signature + ",ok")).containsExactly(payload + "," + signature);
        // a cursor beside a word, or beside a short id, is no token
        assertThat(Finds.of(detector, "eyJwYWdlIjoyfQ | next, eyJwYWdlIjoyfQ,abc123")).isEmpty();
    }

    /**
     * A private key's body without its header (its armor cut off, its lines printed after {@code OFFSET 1}): before
     * 2026-12-06 it was no find. Its first bytes are a private key's DER or an OpenSSH key's.
     */
    @Test
    void aPrivateKeysBodyWithoutItsHeaderIsASecret() {
        String line = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        SecretDetector detector = new SecretDetector();
        assertThat(Finds.of(detector, "key: " + line + "\n" + line + "\nAB12==\n-----END PRIVATE KEY-----\nrotated"))
                .containsExactly(line + "\n" + line + "\nAB12==\n-----END PRIVATE KEY-----");
        assertThat(Finds.of(detector, " " + line + "\n " + line + "\n AB12==\n(3 rows)"))
                .containsExactly(line + "\n " + line + "\n AB12==");
        assertThat(Finds.of(detector, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW then"))
                .containsExactly("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW");
        // a certificate's and a public key's bodies, and words after a key's first line, are not a key's
        assertThat(Finds.of(detector, "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ"
                + " MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo Mozilla")).isEmpty();
    }
}
