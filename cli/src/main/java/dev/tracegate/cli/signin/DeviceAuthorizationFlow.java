package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCode;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * Sign-in on a machine without a browser: the OAuth 2.0 device authorization grant (RFC 8628).
 * The user opens the verification address on any device and enters the code shown here, while
 * this process polls the token endpoint at the interval the provider asks for.
 */
final class DeviceAuthorizationFlow {

    /** Waits between polls; tests replace it to run without sleeping. */
    interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final long DEFAULT_INTERVAL_SECONDS = 5;
    private static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    private final ProviderClient provider;
    private final PrintWriter out;
    private final Pause pause;
    private final Clock clock;

    DeviceAuthorizationFlow(ProviderClient provider, PrintWriter out, Pause pause, Clock clock) {
        this.provider = provider;
        this.out = out;
        this.pause = pause;
        this.clock = clock;
    }

    TokenSet signIn(ProviderMetadata metadata, ClientRegistration client, SignInRequest request, Duration timeout)
            throws IOException {
        URI endpoint = metadata.deviceAuthorizationEndpoint();
        if (endpoint == null) {
            throw new CliException(metadata.issuer() + " does not offer device sign-in (its discovery document has no "
                    + "device_authorization_endpoint); sign in with a browser instead (leave out --device)");
        }
        DeviceAuthorizationSuccessResponse answer = provider.authorizeDevice(endpoint, client, Scope.parse(request.scope()),
                request.audience());
        DeviceCode deviceCode = answer.getDeviceCode();
        String userCode = ProviderError.clean(answer.getUserCode().getValue());
        String verificationUri = answer.getVerificationURI().toString();
        Instant now = clock.instant();
        Instant codeExpires = now.plusSeconds(answer.getLifetime() > 0 ? answer.getLifetime() : 600);
        Instant deadline = codeExpires.isBefore(now.plus(timeout)) ? codeExpires : now.plus(timeout);
        // nimbus reads a missing interval as RFC 8628's default; a zero one would poll without pause.
        Duration interval = Duration.ofSeconds(answer.getInterval() > 0 ? answer.getInterval() : DEFAULT_INTERVAL_SECONDS);

        out.println("To sign in, open " + ProviderError.clean(verificationUri) + " on any device and enter the code");
        out.println();
        out.println("  " + userCode);
        out.println();
        if (answer.getVerificationURIComplete() != null) {
            out.println("(or open " + ProviderError.clean(answer.getVerificationURIComplete().toString()) + ")");
        }
        out.println("Waiting for you to confirm; the code is valid until "
                + LocalTime.ofInstant(codeExpires, ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS) + " ...");
        out.flush();
        return poll(metadata.tokenEndpoint(), client, deviceCode, userCode, interval, deadline);
    }

    private TokenSet poll(URI tokenEndpoint, ClientRegistration client, DeviceCode deviceCode, String userCode,
                          Duration interval, Instant deadline) throws IOException {
        DeviceCodeGrant grant = new DeviceCodeGrant(deviceCode);
        Duration wait = interval;
        while (true) {
            sleep(wait);
            if (clock.instant().isAfter(deadline)) {
                throw new CliException("the code " + userCode + " was not confirmed in time; run tracegate login --device again");
            }
            try {
                return provider.token(tokenEndpoint, client, grant);
            } catch (ProviderError e) {
                switch (e.error()) {
                    case "authorization_pending" -> { }
                    // RFC 8628 section 3.5: every slow_down adds 5 seconds, for the rest of the polling.
                    case "slow_down" -> wait = wait.plus(SLOW_DOWN_STEP);
                    case "expired_token" -> throw new CliException(
                            "the code " + userCode + " expired before the sign-in was confirmed; run tracegate login --device again");
                    case "access_denied" -> throw new CliException("the sign-in with the code " + userCode + " was denied");
                    default -> throw e;
                }
            }
        }
    }

    private void sleep(Duration duration) {
        try {
            pause.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
