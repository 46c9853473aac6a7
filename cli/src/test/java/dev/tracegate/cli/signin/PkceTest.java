package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PkceTest {

    @Test
    void challengeMatchesTheExampleOfRfc7636() {
        // RFC 7636, Appendix B.
        assertThat(Pkce.challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void everySignInGetsItsOwnVerifierOfTheRequiredLength() {
        Pkce first = Pkce.generate();
        Pkce second = Pkce.generate();

        assertThat(first.verifier()).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(second.verifier());
        assertThat(first.challenge()).isEqualTo(Pkce.challengeOf(first.verifier()));
    }
}
