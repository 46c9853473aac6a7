package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.masking.detect.EmailDetector;
import dev.tracegate.masking.detect.IbanDetector;
import dev.tracegate.masking.detect.Luhn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskStrategyTest {

    static final HashKey KEY = HashKey.of("test key, 32 bytes long, really!".getBytes(StandardCharsets.UTF_8));
    static final HashKey OTHER_KEY = HashKey.of("another key of at least 16 bytes".getBytes(StandardCharsets.UTF_8));

    @Test
    void redactShowsTheEntityOrTheConfiguredPlaceholder() {
        assertThat(MaskStrategy.redact().apply("alice@example.com", EntityType.EMAIL)).isEqualTo("[EMAIL]");
        assertThat(new MaskStrategy.Redact("***").apply("alice@example.com", EntityType.EMAIL)).isEqualTo("***");
    }

    @Test
    void partialKeepsTheLastDigitsAndTheSeparators() {
        assertThat(MaskStrategy.partial(4).apply("4111 1111 1111 1234", EntityType.CARD)).isEqualTo("**** **** **** 1234");
        assertThat(MaskStrategy.partial(4).apply("123-45-6789", EntityType.SSN)).isEqualTo("***-**-6789");
        assertThat(MaskStrategy.partial(4).apply("+1 (415) 555-2671", EntityType.PHONE)).isEqualTo("+* (***) ***-2671");
    }

    @Test
    void partialNeverRevealsMoreThanHalf() {
        assertThat(MaskStrategy.partial(4).apply("12345", EntityType.CUSTOM)).isEqualTo("***45");
        assertThat(MaskStrategy.partial(4).apply("ab", EntityType.CUSTOM)).isEqualTo("*b");
        assertThat(MaskStrategy.partial(4).apply("x", EntityType.CUSTOM)).isEqualTo("*");
    }

    @Test
    void hashIsDeterministicKeyedAndNormalised() {
        MaskStrategy hash = MaskStrategy.hash(KEY);
        String a = hash.apply("Alice@Example.com", EntityType.EMAIL);
        assertThat(a).matches("email_[0-9a-f]{16}");
        assertThat(hash.apply("alice@example.com", EntityType.EMAIL)).isEqualTo(a);
        assertThat(hash.apply("bob@example.com", EntityType.EMAIL)).isNotEqualTo(a);
        assertThat(MaskStrategy.hash(OTHER_KEY).apply("alice@example.com", EntityType.EMAIL)).isNotEqualTo(a);
        assertThat(hash.apply("4111-1111-1111-1111", EntityType.CARD))
                .isEqualTo(hash.apply("4111 1111 1111 1111", EntityType.CARD));
    }

    @Test
    void formatPreservingEmailIsAnAddressWithAReservedDomainSharedPerDomain() {
        MaskStrategy hash = MaskStrategy.formatPreservingHash(KEY);
        String alice = hash.apply("alice@example.com", EntityType.EMAIL);
        String bob = hash.apply("bob@example.com", EntityType.EMAIL);
        assertThat(alice).matches("[0-9a-f]{12}@[0-9a-f]{8}\\.example");
        assertThat(alice).doesNotContain("alice").isEqualTo(hash.apply("ALICE@example.com", EntityType.EMAIL));
        assertThat(alice.substring(alice.indexOf('@'))).isEqualTo(bob.substring(bob.indexOf('@')));
        assertThat(alice).isNotEqualTo(bob);
        List<Match> found = new ArrayList<>();
        new EmailDetector().find(alice, found);
        assertThat(found).hasSize(1);
    }

    @Test
    void formatPreservingCardKeepsLengthAndSeparatorsAndPassesLuhn() {
        MaskStrategy hash = MaskStrategy.formatPreservingHash(KEY);
        for (String card : List.of("4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "6011111111111117")) {
            String masked = hash.apply(card, EntityType.CARD);
            assertThat(masked).hasSameSizeAs(card).isNotEqualTo(card).isEqualTo(hash.apply(card, EntityType.CARD));
            assertThat(masked.replaceAll("[0-9]", "9")).isEqualTo(card.replaceAll("[0-9]", "9"));
            assertThat(Luhn.isValid(masked, 0, masked.length())).as(masked).isTrue();
        }
    }

    @Test
    void formatPreservingIbanStaysAValidIbanOfTheSameCountry() {
        String masked = MaskStrategy.formatPreservingHash(KEY).apply("DE89 3704 0044 0532 0130 00", EntityType.IBAN);
        assertThat(masked).startsWith("DE").hasSize(27).isNotEqualTo("DE89 3704 0044 0532 0130 00");
        List<Match> found = new ArrayList<>();
        new IbanDetector().find(masked, found);
        assertThat(found).as(masked).hasSize(1);
    }

    @Test
    void formatPreservingOtherValuesKeepTheirShape() {
        String masked = MaskStrategy.formatPreservingHash(KEY).apply("+1 (415) 555-2671", EntityType.PHONE);
        assertThat(masked).matches("\\+\\d \\(\\d{3}\\) \\d{3}-\\d{4}").isNotEqualTo("+1 (415) 555-2671");
    }

    @Test
    void nullifyGivesNull() {
        assertThat(MaskStrategy.nullify().apply("x", EntityType.SSN)).isNull();
    }

    @Test
    void hashKeyNeverPrintsItself() {
        assertThat(KEY.toString()).doesNotContain("test key");
        assertThat(MaskStrategy.hash(KEY).toString()).doesNotContain("test key");
    }
}
