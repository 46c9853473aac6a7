package dev.tracegate.gateway.console;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.tracegate.gateway.config.ConsoleConfig;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.VerifiedOidcToken;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a verified ID token must also be for a console sign-in, beyond a valid signature from a
 * trusted issuer: from the console's issuer, for the console's client, and with this sign-in's
 * nonce. (A real provider issues such tokens only by mistake or under attack, so these cases are
 * checked here on the token's claims; the flow itself is tested against a real provider in
 * {@link OidcSignInAttacksTest}.)
 */
class IdTokenBindingTest {

    private static final String ISSUER = "https://sso.example.com";
    private static final ConsoleConfig CONSOLE = new ConsoleConfig(ISSUER, "tracegate-console", null, false, 0);
    private static final Nonce NONCE = new Nonce();
    private static final OidcSignIn.Pending STARTED = new OidcSignIn.Pending(new State(), NONCE, new CodeVerifier(),
            URI.create("https://gw.example.com/console/callback"), "/console/", Instant.now());

    @Test
    void aTokenForThisSignInPasses() {
        assertThatCode(() -> OidcSignIn.requireIssuedForThisSignIn(CONSOLE, token(ISSUER, List.of("tracegate-console", "api"),
                NONCE.getValue()), STARTED)).doesNotThrowAnyException();
    }

    @Test
    void aTokenForAnotherClientIsRefused() {
        assertThatThrownBy(() -> OidcSignIn.requireIssuedForThisSignIn(CONSOLE, token(ISSUER, "tracegate-cli", NONCE.getValue()),
                STARTED)).hasMessageContaining("not issued to the console's client tracegate-console");
    }

    @Test
    void aReplayedTokenOfAnotherSignInIsRefused() {
        assertThatThrownBy(() -> OidcSignIn.requireIssuedForThisSignIn(CONSOLE, token(ISSUER, "tracegate-console",
                new Nonce().getValue()), STARTED)).hasMessageContaining("nonce does not belong to this sign-in");
        assertThatThrownBy(() -> OidcSignIn.requireIssuedForThisSignIn(CONSOLE, token(ISSUER, "tracegate-console", null),
                STARTED)).hasMessageContaining("nonce");
    }

    @Test
    void aTokenOfAnotherTrustedIssuerIsRefused() {
        assertThatThrownBy(() -> OidcSignIn.requireIssuedForThisSignIn(CONSOLE, token("https://ci.example.com",
                "tracegate-console", NONCE.getValue()), STARTED)).hasMessageContaining("comes from https://ci.example.com");
    }

    private static VerifiedOidcToken token(String issuer, Object audience, String nonce) {
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("aud", audience));
        if (nonce != null) {
            claims.put("nonce", nonce);
        }
        return new VerifiedOidcToken(new Identity(issuer, "dana", "Dana", null, List.of("dba"), "human"), claims,
                Instant.now().plusSeconds(300));
    }
}
