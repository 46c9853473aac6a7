package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Who asks the gateway for something issued to the caller (a gateway token, an SSH certificate),
 * and where: $TRACEGATE_TOKEN when set and no sign-in is named, otherwise the sign-in's own
 * token (refreshed when it would end within {@code margin}); $TRACEGATE_SERVER unless given.
 *
 * @param store       the caller's sign-ins
 * @param environment where TRACEGATE_TOKEN and TRACEGATE_SERVER are read
 * @param clock       for refreshing the sign-in's token
 */
record GatewayCaller(CredentialStore store, Map<String, String> environment, Clock clock) {

    static GatewayCaller forCurrentUser() {
        return new GatewayCaller(CredentialStore.forCurrentUser(), System.getenv(), Clock.systemUTC());
    }

    /** The gateway API address: {@code server} or $TRACEGATE_SERVER; https unless on loopback. */
    URI server(String server) {
        String base = server != null ? server : environment.get("TRACEGATE_SERVER");
        if (base == null || base.isBlank()) {
            throw new CliException("no gateway to ask: set TRACEGATE_SERVER or pass --server");
        }
        return TokenCommand.gatewayAddress(base);
    }

    /** The bearer token to present: an explicit {@code issuer} means the sign-in; otherwise a configured TRACEGATE_TOKEN wins. */
    String bearer(String issuer, TokenKind kind, Duration margin) throws IOException {
        String configured = environment.get("TRACEGATE_TOKEN");
        if (issuer == null && configured != null && !configured.isBlank()) {
            return configured;
        }
        return signedIn(issuer, kind, margin);
    }

    /** The sign-in's own token of {@code kind}, refreshed when it would end within {@code margin}. */
    String signedIn(String issuer, TokenKind kind, Duration margin) throws IOException {
        return new TokenRenewal(store, new ProviderClient(clock), clock).current(issuer, kind, margin).tokens().token(kind);
    }
}
