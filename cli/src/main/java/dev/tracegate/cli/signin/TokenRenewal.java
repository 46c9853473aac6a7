package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Hands out a stored sign-in whose token is good for at least another minute, refreshing it with
 * the refresh token first when it is not (RFC 6749 section 6) and storing what the provider sends
 * back. When that is impossible the message says how to sign in again.
 */
final class TokenRenewal {

    /** A token closer to its end than this is refreshed: it could expire on its way to the gateway. */
    static final Duration MARGIN = Duration.ofSeconds(60);

    private final CredentialStore store;
    private final ProviderClient provider;
    private final Clock clock;

    TokenRenewal(CredentialStore store, ProviderClient provider, Clock clock) {
        this.store = store;
        this.provider = provider;
        this.clock = clock;
    }

    /**
     * The sign-in of {@code issuer} (the most recent one when null), its {@code kind} token good for
     * at least {@code margin} ({@link #MARGIN} at the least) or refreshed: a gateway token asked for
     * N minutes can live only as long as the token it is asked with.
     */
    StoredLogin current(String issuer, TokenKind kind, Duration margin) throws IOException {
        if (!store.exists()) {
            throw notSignedIn(issuer);
        }
        try (CredentialStore.Lock lock = store.lock()) {
            StoredLogins logins = store.read();
            StoredLogin login = logins.find(issuer).orElseThrow(() -> notSignedIn(issuer));
            if (!login.tokens().endsWithin(kind, margin, clock.instant())) {
                return login;
            }
            String refreshToken = login.tokens().refreshToken();
            if (refreshToken == null) {
                throw new CliException("the " + kind.description + " from " + login.issuer() + " has expired and there is no "
                        + "refresh token to renew it (the offline_access scope asks for one); run "
                        + login.loginCommand() + " again");
            }
            TokenSet renewed;
            try {
                renewed = provider.token(login.tokenEndpoint(), login.client(), new RefreshTokenGrant(new RefreshToken(refreshToken)));
            } catch (ProviderError e) {
                throw new CliException("the sign-in with " + login.issuer() + " could not be renewed (" + e.getMessage()
                        + "); run " + login.loginCommand() + " again");
            }
            StoredLogin updated = login.withTokens(login.tokens().renewedBy(renewed));
            store.write(logins.renewed(updated));
            Instant now = clock.instant();
            // A provider may issue tokens shorter-lived than the margin; only one already over is useless.
            if (updated.tokens().endsWithin(kind, Duration.ZERO, now)) {
                throw new CliException(login.issuer() + " renewed the sign-in without a current " + kind.description
                        + "; run " + login.loginCommand() + " again");
            }
            return updated;
        }
    }

    private static CliException notSignedIn(String issuer) {
        return new CliException(issuer == null
                ? "not signed in; run tracegate login --issuer URL --client-id ID first"
                : "not signed in to " + issuer + "; run tracegate login --issuer " + issuer + " --client-id ID first");
    }
}
