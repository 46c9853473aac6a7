package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A private key block split across a column's values, one line a value, as {@code RowMasker} follows it. */
class KeyBlockAcrossValuesTest {

    private static final String LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";

    /** Which of {@code values} a column's block marks as key lines, the header's secret find noted as the masker notes it. */
    private static List<Integer> keyLines(String... values) {
        KeyBlockAcrossValues block = new KeyBlockAcrossValues();
        List<Integer> lines = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (block.isOpen() && block.continuedBy(values[i])) {
                lines.add(i);
            } else if (values[i].contains("BEGIN")) {
                block.afterSecret(values[i]);
            }
        }
        return lines;
    }

    @Test
    void theLinesAfterAPrivateKeysHeaderAreKeyLinesThroughItsEndLine() {
        assertThat(keyLines("-----BEGIN PRIVATE KEY-----", LINE, LINE, "AB12==", "-----END PRIVATE KEY-----", "next row"))
                .containsExactly(1, 2, 3, 4);
        assertThat(keyLines("-----BEGIN RSA PRIVATE KEY-----", "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,00FF", "",
                LINE, "-----END RSA PRIVATE KEY-----")).containsExactly(1, 2, 4, 5);
        assertThat(keyLines("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", LINE, "---- END SSH2 ENCRYPTED PRIVATE KEY ----"))
                .containsExactly(1, 2);
        assertThat(keyLines("-----BEGIN PGP PRIVATE KEY BLOCK-----", "Version: GnuPG v2", LINE)).containsExactly(1, 2);
    }

    /** A value of no key line's shape ends the block, as it ends one inside a text: SQL after a fake header stays. */
    @Test
    void aValueOfNoKeyLinesShapeEndsTheBlock() {
        assertThat(keyLines("-- -----BEGIN PRIVATE KEY-----", "SELECT * FROM people;", LINE)).isEmpty();
        assertThat(keyLines("-----BEGIN PRIVATE KEY-----", LINE, "rotated by ops", LINE)).containsExactly(1);
        // a line shorter than the first, or padded, is the body's last: a word of Base64's letters after it is none
        assertThat(keyLines("-----BEGIN PRIVATE KEY-----", LINE, "AB12==", "done", LINE)).containsExactly(1, 2);
        assertThat(keyLines("-----BEGIN PRIVATE KEY-----", LINE, "AB12", "-----END PRIVATE KEY-----")).containsExactly(1, 2, 3);
        // a whole key in one value, and a public key or a certificate, open nothing
        assertThat(keyLines("-----BEGIN PRIVATE KEY-----\n" + LINE + "\n-----END PRIVATE KEY-----", LINE)).isEmpty();
        assertThat(keyLines("-----BEGIN PUBLIC KEY-----", LINE, "-----BEGIN CERTIFICATE-----", LINE)).isEmpty();
    }

    /** Which of {@code values} a column's block marks as key lines when no header was found: as {@code RowMasker} reads them. */
    private static List<Integer> bodyLines(String... values) {
        KeyBlockAcrossValues block = new KeyBlockAcrossValues();
        List<Integer> lines = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if ((block.isOpen() && block.continuedBy(values[i])) || block.startedByBody(values[i])) {
                lines.add(i);
            }
        }
        return lines;
    }

    /**
     * A key's body whose header row the statement left out ({@code OFFSET 1}, {@code WHERE line NOT LIKE '-----%'}):
     * before 2026-12-06 no line of it was a find. Its first line shows a private key's DER, its other lines PEM's width.
     */
    @Test
    void aKeysBodyWithoutItsHeaderIsFollowedFromItsFirstLine() {
        assertThat(bodyLines(LINE, LINE, "AB12==", "-----END PRIVATE KEY-----", "rotated by ops")).containsExactly(0, 1, 2, 3);
        // an EC key (SEC 1), an Ed25519 key (PKCS#8) and an OpenSSH key start so too, lines of any width
        assertThat(bodyLines("MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49", "AwEHoUQDQgAE")).containsExactly(0, 1);
        assertThat(bodyLines("MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC")).containsExactly(0);
        assertThat(bodyLines("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW")).containsExactly(0);
        // a line from the middle of a key: PEM's width, random Base64
        assertThat(bodyLines("q3Rk5vXb9ZPQ0lyUcs7Kx2Wf8mNaJ1hT4eGdYoB6iLwSuC+/EzRjVMnA0pHtOgIF", "last==")).containsExactly(0, 1);
    }

    /** A certificate's and a public key's lines, with their header or from their first line, and digests stay. */
    @Test
    void certificatesPublicKeysAndDigestsAreNoKeyBody() {
        String certificate = "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ";
        String publicKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo";
        String middle = "q3Rk5vXb9ZPQ0lyUcs7Kx2Wf8mNaJ1hT4eGdYoB6iLwSuC+/EzRjVMnA0pHtOgIF";
        assertThat(bodyLines(certificate, middle, middle, "-----END CERTIFICATE-----")).isEmpty();
        assertThat(bodyLines("-----BEGIN CERTIFICATE-----", middle, middle)).isEmpty();
        assertThat(bodyLines(publicKey, middle)).isEmpty();
        assertThat(bodyLines("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "status", "Ada Lovelace"))
                .isEmpty();
    }
}
