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
        // a whole key in one value, and a public key or a certificate, open nothing
        assertThat(keyLines("-----BEGIN PRIVATE KEY-----\n" + LINE + "\n-----END PRIVATE KEY-----", LINE)).isEmpty();
        assertThat(keyLines("-----BEGIN PUBLIC KEY-----", LINE, "-----BEGIN CERTIFICATE-----", LINE)).isEmpty();
    }
}
