package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A JWT split across a column's values, one part a value, as {@code RowMasker} follows it. */
class JwtAcrossValuesTest {

    private static final String HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    private static final String PAYLOAD = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
    private static final String SIGNATURE = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    private static List<Integer> masked(String... values) {
        JwtAcrossValues token = new JwtAcrossValues();
        List<Integer> parts = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (token.continues(values[i])) {
                parts.add(i);
            }
        }
        return parts;
    }

    @Test
    void thePartsAfterAJsonPartAreMaskedThroughTheSignature() {
        assertThat(masked(HEADER, PAYLOAD, SIGNATURE, "next row", SIGNATURE)).containsExactly(1, 2);
        assertThat(masked(PAYLOAD, SIGNATURE)).containsExactly(1);
        assertThat(masked("active", SIGNATURE, "eyJwYWdlIjoy", "ok")).isEmpty();
    }
}
