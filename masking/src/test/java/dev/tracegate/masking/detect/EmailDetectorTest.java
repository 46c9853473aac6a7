package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailDetectorTest {

    private final EmailDetector detector = new EmailDetector();

    @Test
    void findsAddressesInProse() {
        assertThat(Finds.of(detector, "Write to alice.smith+news@example.co.uk or <bob_o'neil@mail.example.com>."))
                .containsExactly("alice.smith+news@example.co.uk", "bob_o'neil@mail.example.com");
    }

    @Test
    void sentencePunctuationAndQuotesStayOutside() {
        assertThat(Finds.of(detector, "mail: 'carol@example.org'. Thanks")).containsExactly("carol@example.org");
        assertThat(Finds.of(detector, "(dave@example.net), eve@example.io;")).containsExactly("dave@example.net", "eve@example.io");
    }

    @Test
    void internationalisedAddresses() {
        assertThat(Finds.of(detector, "josé.garcía@correo.example.es")).containsExactly("josé.garcía@correo.example.es");
        assertThat(Finds.of(detector, "x@xn--bcher-kva.example")).containsExactly("x@xn--bcher-kva.example");
    }

    @Test
    void thingsWithAnAtSignThatAreNotAddresses() {
        assertThat(Finds.of(detector, "icon@2x.png and logo@3x.webp")).isEmpty();
        assertThat(Finds.of(detector, "user@localhost, @handle, npm i @angular/core@17.0.1")).isEmpty();
        assertThat(Finds.of(detector, "a..b@example.com .x@example.com@")).isEmpty();
        assertThat(Finds.of(detector, "price@5.00 and 10@20")).isEmpty();
    }

    @Test
    void urlEncodedAddressesInQueryStrings() {
        assertThat(Finds.of(detector, "GET /u?email=alice%40example.com&x=1 and 20%40 off")).containsExactly("alice%40example.com");
    }

    @Test
    void tooLongLocalPartIsNoAddress() {
        assertThat(Finds.of(detector, "a".repeat(65) + "@example.com")).isEmpty();
        assertThat(Finds.of(detector, "a".repeat(64) + "@example.com")).hasSize(1);
    }

    @Test
    void manyAtSignsCostLinearTime() {
        String text = "a@".repeat(500_000) + "b";
        long start = System.nanoTime();
        assertThat(Finds.of(detector, text)).isEmpty();
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }
}
