package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import org.junit.jupiter.api.Test;

/** The PKCE that tracegate login sends (through oauth2-oidc-sdk) is RFC 7636's S256. */
class PkceTest {

    @Test
    void challengeMatchesTheExampleOfRfc7636() {
        // RFC 7636, Appendix B.
        assertThat(CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).getValue())
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void everySignInGetsItsOwnVerifierOfTheRequiredLength() {
        CodeVerifier first = new CodeVerifier();
        CodeVerifier second = new CodeVerifier();

        assertThat(first.getValue()).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(second.getValue());
    }
}
